import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const PROBE = 'engine/purity-probe.ts';

/** Lints `code` as if it were a file under engine/, with the project's own config. */
async function lintEngine(code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: process.cwd(),
    // The probe file exists only in memory, so the type-aware parser must accept it as is.
    overrideConfig: {
      languageOptions: {
        parserOptions: { projectService: { allowDefaultProject: [PROBE] } },
      },
    },
  });
  const [result] = await eslint.lintText(code, { filePath: PROBE });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? ''}: ${m.message}`);
}

describe('the determinism contract is enforced by lint under engine/', () => {
  it.each([
    ['Math.random', 'export const r = (): number => Math.random();', 'PRNG'],
    ['Date.now', 'export const t = (): number => Date.now();', 'clock'],
    ['new Date', 'export const d = (): string => new Date().toISOString();', 'clock'],
    ['process.env', 'export const e = (): string | undefined => process.env.HOME;', 'environment'],
    [
      'setTimeout',
      'export const t = (): void => { setTimeout(() => undefined, 1); };',
      'scenario time',
    ],
    ['node:fs', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;", 'I/O'],
    ['net', "import net from 'net';\nexport const n = net;", 'I/O'],
    ['src/', "import { main } from '../src/cli/main.js';\nexport const m = main;", 'src/'],
  ])('%s is an error', async (_name, code, why) => {
    const messages = await lintEngine(code);
    expect(messages.some((m) => m.includes(why))).toBe(true);
  });

  it('pure code passes', async () => {
    expect(
      await lintEngine('export const add = (a: number, b: number): number => a + b;\n'),
    ).toEqual([]);
  });
});
