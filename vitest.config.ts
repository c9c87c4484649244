import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Property tests play whole exercises; this machine has 2 slow cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // CI also keeps a machine-readable summary, from which .ci/run prints its closing line.
    reporters: process.env['CI']
      ? ['default', ['json', { outputFile: '.ci/results.json' }]]
      : ['default'],
  },
});
