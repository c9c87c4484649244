/**
 * How our worker threads load their module, from the TypeScript sources or from the build.
 *
 * From the sources (`ttx` without a build, tsx, vitest), a worker registers tsx's loader
 * before importing its `.ts` module: Node 20 does not apply `--import` loader hooks to a
 * worker's own entry. From the build (`dist/`, see scripts/build.mjs), the worker imports the
 * bundled module directly, which starts in a fraction of the time.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** What `new Worker(WORKER_BOOT, { eval: true, workerData: { boot, … } })` needs to know. */
export interface WorkerBoot {
  /** tsx's ESM API, when the module is TypeScript. */
  readonly tsx: string | null;
  readonly module: string;
}

/**
 * The code a worker evaluates. A failure to load becomes the worker's `error` event (an
 * unhandled rejection ends a worker thread with an error).
 */
export const WORKER_BOOT = `import('node:worker_threads').then(async ({ workerData }) => {
  if (workerData.boot.tsx) (await import(workerData.boot.tsx)).register();
  await import(workerData.boot.module);
});`;

/**
 * The boot of worker module `source` (a `.ts` path relative to `from`, the caller's
 * `import.meta.url`), or of its bundle `bundled` (next to the bundle `from` is part of).
 */
export function workerBoot(from: string, source: string, bundled: string): WorkerBoot {
  if (!from.endsWith('.ts')) return { tsx: null, module: new URL(bundled, from).href };
  return { tsx: tsxApi(), module: new URL(source, from).href };
}

/** tsx's ESM API (its `register` installs the TypeScript loader in the calling thread). */
function tsxApi(): string {
  const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, unknown> };
  let entry: unknown = pkg.exports['./esm/api'];
  while (entry !== null && typeof entry === 'object') {
    const e = entry as Record<string, unknown>;
    entry = e['import'] ?? e['default'];
  }
  if (typeof entry !== 'string') throw new Error('tsx has no ESM API entry');
  return new URL(entry, pathToFileURL(pkgPath)).href;
}
