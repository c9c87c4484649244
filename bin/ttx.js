#!/usr/bin/env node
// `ttx` launcher. Runs the bundle in dist/ (built by `npm install` or `npm run build`, see
// scripts/build.mjs) when it is newer than every source file; otherwise the TypeScript CLI
// (src/cli/main.ts) through tsx's ESM loader, so an edited source never runs stale code.
import { readdirSync, statSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const root = new URL('../', import.meta.url);
const bundle = new URL('dist/ttx.mjs', root);

/** The newest modification time of a TypeScript file under `dir` (0 if none). */
function newestSource(dir) {
  let newest = 0;
  const path = new URL(`${dir}/`, root);
  /** @type {string[]} */
  const files = readdirSync(path, { recursive: true, encoding: 'utf8' });
  for (const file of files) {
    if (file.endsWith('.ts')) newest = Math.max(newest, statSync(new URL(file, path)).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  try {
    const built = statSync(bundle).mtimeMs;
    return ['src', 'engine', 'server'].every((dir) => newestSource(dir) <= built);
  } catch {
    return false;
  }
}

try {
  /** @typedef {{ main: (argv?: readonly string[]) => Promise<number> }} Cli */
  /** @type {Cli} */
  let cli;
  if (bundleIsFresh()) {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- the bundle is src/cli/main.ts built, without types
    cli = await import(bundle.href);
  } else {
    // Say so on a terminal: start-up (and each worker thread's) is several times slower.
    if (process.stderr.isTTY) {
      process.stderr.write(
        'ttx: running the TypeScript sources (dist/ is missing or older than them); `npm run build:cli` makes start-up fast\n',
      );
    }
    const { register } = await import('tsx/esm/api');
    register();
    cli = /** @type {Cli} */ (await import('../src/cli/main.ts'));
  }
  process.exitCode = await cli.main(process.argv);
} catch (err) {
  process.stderr.write(`ttx: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
