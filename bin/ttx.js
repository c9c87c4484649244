#!/usr/bin/env node
// `ttx` launcher: runs the TypeScript CLI (src/cli/main.ts) through tsx's ESM loader.
import process from 'node:process';
import { register } from 'tsx/esm/api';

try {
  register();
  /** @type {{ main: (argv?: readonly string[]) => Promise<number> }} */
  const cli = await import('../src/cli/main.ts');
  process.exitCode = await cli.main(process.argv);
} catch (err) {
  process.stderr.write(`ttx: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
