// Bundles the `ttx` CLI and its worker threads into dist/ with esbuild (run by `npm install`
// through `prepare`, or `npm run build`). bin/ttx.js runs the bundle when it is newer than
// every source file, and the TypeScript sources through tsx otherwise, so an edit never runs
// stale code: the build only makes start-up fast (0.1–0.3 s instead of over 1 s, and likewise
// for each worker of `ttx batch` and `ttx check`).
import { rmSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';
import { build } from 'esbuild';

// The output folder must sit directly under the root (see below); tests build into another.
const outdir = process.argv[2] ?? 'dist';
const root = new URL('../', import.meta.url);
rmSync(new URL(`${outdir}/`, root), { recursive: true, force: true });
await build({
  absWorkingDir: root.pathname,
  entryPoints: {
    ttx: 'src/cli/main.ts',
    'batch-worker': 'src/analysis/worker.ts',
    'check-worker': 'src/authoring/worker.ts',
    'hub-thread': 'server/hub-thread.ts',
  },
  outdir,
  bundle: true,
  // Shared code in chunks next to the entries: every module's import.meta.url is then in
  // the output folder, one level below the root, as src/paths.ts and the worker pools expect.
  splitting: true,
  chunkNames: '[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Dependencies are bundled too: resolving and loading a few hundred files from
  // node_modules was most of the start-up (0.5 s for `ttx --version`, 0.3 s bundled).
  // CommonJS dependencies get a real `require` for the Node built-ins and optional modules
  // they load at run time.
  banner: {
    js: "import { createRequire as __ttxRequire } from 'node:module'; const require = __ttxRequire(import.meta.url);",
  },
  sourcemap: true,
  logLevel: 'warning',
});
