/**
 * `sessionHeapStartMb`: the session thread's old generation starts large, so that it does not
 * run a full collection (a 6–20 ms pause of every session) each time the sessions' state grows.
 * V8's flags are the process's, so each case runs in a fresh process: it starts a HubLink, then
 * a thread that keeps 80 MB, and counts that thread's full collections.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';

const script = (startMb: number, dataDir: string): string => `
import { Worker } from 'node:worker_threads';
import { HubLink } from './server/hub-link.ts';
import { DEFAULT_LIMITS } from './server/limits.ts';
import { silentLogger } from './server/log.ts';
const link = await HubLink.start(${JSON.stringify(dataDir)}, { ...DEFAULT_LIMITS, sessionHeapStartMb: ${startMb} }, silentLogger, () => {});
const grow = \`
  const { PerformanceObserver, constants } = process.getBuiltinModule('node:perf_hooks');
  let full = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) full++;
  }).observe({ entryTypes: ['gc'] });
  const keep = [];
  for (let i = 0; i < 1000; i++) keep.push(Array.from({ length: 1000 }, (_, j) => ({ j, s: 'x' + j })));
  const { parentPort } = process.getBuiltinModule('node:worker_threads');
  setTimeout(() => parentPort.postMessage(full), 50);
\`;
const full = await new Promise((resolve) => new Worker(grow, { eval: true }).once('message', resolve));
console.log(JSON.stringify({ full }));
await link.shutdown();
`;

function fullCollections(startMb: number): number {
  const dir = tempDir();
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script(startMb, dir)],
    { encoding: 'utf8', timeout: 60_000 },
  );
  rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`the child failed: ${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { full: number }).full;
}

describe('the session thread heap', () => {
  it('starts at sessionHeapStartMb: 80 MB kept without a full collection (V8 alone runs one)', () => {
    expect(fullCollections(0)).toBeGreaterThanOrEqual(1);
    expect(fullCollections(128)).toBe(0);
  });
});
