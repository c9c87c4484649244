// ESLint flat config: type-checked TypeScript rules everywhere, plus the determinism
// contract for engine/ (no clock, no Math.random, no environment, no I/O).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const forbiddenEngineImports = [
  'fs',
  'net',
  'http',
  'https',
  'child_process',
  'worker_threads',
  'os',
  'dgram',
  'process',
  'timers',
  'readline',
  'perf_hooks',
].flatMap((m) => [m, `node:${m}`, `${m}/promises`, `node:${m}/promises`]);

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'data/**', 'coverage/**', 'dist/**', 'web/dist/**', '**/*.tmp.*'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: forbiddenEngineImports.map((name) => ({
            name,
            message: 'engine/ does no I/O and reads no environment.',
          })),
          patterns: [
            {
              group: ['**/src/**', '**/server/**', '../src/*', '../server/*'],
              message: 'engine/ imports nothing from src/ or server/.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'engine/ reads no environment.' },
        { name: 'setTimeout', message: 'engine/ time is scenario time.' },
        { name: 'setInterval', message: 'engine/ time is scenario time.' },
        { name: 'performance', message: 'engine/ reads no clock.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='Math'][property.name='random']",
          message: 'Randomness comes only from the seeded PRNG in the session state.',
        },
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: 'engine/ reads no clock.',
        },
        { selector: "NewExpression[callee.name='Date']", message: 'engine/ reads no clock.' },
      ],
    },
  },
);
