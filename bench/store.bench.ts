/**
 * Store benchmark (`npm run bench:store [-- --sessions 50 --seconds 5]`).
 *
 * Drives the embedded file store the way busy sessions do: N sessions (default 50) each
 * append one small command record per round, all in parallel, and wait until it is durable
 * before the next round. Prints rounds/s and the append latency (call → durable) p50/p99, with
 * the host's CPU steal over the run. Measures only; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { logHeader } from '../src/log/command-log.js';
import { FileStore } from '../server/file-store.js';
import { stealMeter } from './machine.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const SESSIONS = opt('sessions', 50);
const SECONDS = opt('seconds', 5);

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ttx-store-bench-'));
  const store = await FileStore.open(dir);
  try {
    const ids: string[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      const id = `bench-session-${String(i).padStart(3, '0')}`;
      const hash = 'f'.repeat(64);
      await store.create(
        {
          format: 1,
          id,
          created: new Date().toISOString(),
          scenario: { id: 'bench', title: 'bench', hash, source: 'upload' },
          seed: 's',
          tokens: {},
        },
        logHeader({ id: 'bench', hash }, 's'),
        'id: bench\n',
      );
      ids.push(id);
    }
    const latencies: number[] = [];
    const steal = stealMeter();
    const started = performance.now();
    let rounds = 0;
    for (let seq = 1; performance.now() - started < SECONDS * 1000; seq++) {
      await Promise.all(
        ids.map(async (id) => {
          const t0 = performance.now();
          await store.append(id, [
            { seq, command: { by: 'team:arl', type: 'diplomacy', target: 'bor' }, id: `c${seq}` },
          ]);
          latencies.push(performance.now() - t0);
        }),
      );
      rounds++;
    }
    const elapsed = (performance.now() - started) / 1000;
    const stolen = steal();
    latencies.sort((a, b) => a - b);
    console.log(
      `${SESSIONS} sessions, ${rounds} rounds in ${elapsed.toFixed(1)} s: ` +
        `${(rounds / elapsed).toFixed(0)} rounds/s, ${((rounds * SESSIONS) / elapsed).toFixed(0)} appends/s`,
    );
    console.log(
      `append latency p50 ${quantile(latencies, 0.5).toFixed(2)} ms, ` +
        `p99 ${quantile(latencies, 0.99).toFixed(2)} ms` +
        (stolen ? ` (${stolen})` : ''),
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
