/**
 * Runs a batch plan on worker threads (node:worker_threads), or in this thread when asked for
 * 0 workers. Chunks of runs are handed out as threads free up; records come back keyed by run
 * index, so the result is the same whatever the number of threads or the order chunks finish.
 *
 * Workers load their module as run/worker-module.ts explains (the TypeScript sources through
 * tsx, or the build).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { WORKER_BOOT, workerBoot } from '../run/worker-module.js';
import { chunksOf, playChunk, type BatchPlan, type Chunk } from './plan.js';
import type { RunRecord } from './runner.js';
import type { FromWorker, ToWorker } from './worker.js';

export interface PoolOptions {
  /** Worker threads; 0 plays in this thread. Default: the machine's available parallelism. */
  readonly workers?: number;
  /** Called after each chunk with the runs done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The default number of worker threads: one per core. */
export const defaultWorkers = (): number => Math.max(1, availableParallelism());

/** Runs every variant of the plan; records[v][i] is run i of variant v. */
export async function runPlan(plan: BatchPlan, options: PoolOptions = {}): Promise<RunRecord[][]> {
  const workers = Math.max(0, Math.floor(options.workers ?? defaultWorkers()));
  const total = plan.runs * plan.variants.length;
  const records: RunRecord[][] = plan.variants.map(() => new Array<RunRecord>(plan.runs));
  if (total === 0) return records;
  // Chunks small enough to balance two threads and to move the progress bar, big enough that
  // messages cost nothing next to the runs.
  const size = Math.max(1, Math.min(250, Math.ceil(total / Math.max(1, workers) / 16)));
  const chunks = chunksOf(plan, size);
  let done = 0;
  const store = (chunk: Chunk, got: readonly RunRecord[]): void => {
    const target = records[chunk.variant];
    if (!target) throw new Error(`no variant ${chunk.variant}`);
    for (const r of got) target[r.index] = r;
    done += got.length;
    options.onProgress?.(done, total);
  };
  if (workers === 0) {
    for (const chunk of chunks) {
      store(chunk, playChunk(plan, chunk));
      // Let timers and I/O in (a server stays responsive; a progress bar repaints).
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return records;
  }
  await runOnWorkers(plan, chunks, Math.min(workers, chunks.length), store);
  return records;
}

async function runOnWorkers(
  plan: BatchPlan,
  chunks: readonly Chunk[],
  threads: number,
  store: (chunk: Chunk, records: readonly RunRecord[]) => void,
): Promise<void> {
  const boot = workerBoot(import.meta.url, './worker.ts', './batch-worker.mjs');
  const pool: Worker[] = [];
  let next = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let finished = 0;
      let failed = false;
      const fail = (err: Error): void => {
        if (failed) return;
        failed = true;
        reject(err);
      };
      const feed = (w: Worker): void => {
        const chunk = chunks[next];
        if (!chunk) return;
        next++;
        w.postMessage({ type: 'chunk', chunk } satisfies ToWorker);
      };
      for (let k = 0; k < threads; k++) {
        const w = new Worker(WORKER_BOOT, { eval: true, execArgv: [], workerData: { boot } });
        pool.push(w);
        w.postMessage({ type: 'plan', plan } satisfies ToWorker);
        w.on('message', (msg: FromWorker) => {
          if (failed) return;
          if (msg.type === 'ready') {
            // Two chunks in flight per thread: the next is queued while this one runs.
            feed(w);
            feed(w);
          } else if (msg.type === 'done') {
            try {
              store(msg.chunk, msg.records);
            } catch (err) {
              fail(err as Error);
              return;
            }
            finished++;
            if (finished === chunks.length) resolve();
            else feed(w);
          } else fail(new Error(msg.message));
        });
        w.on('error', (err) => fail(err));
        w.on('exit', (code) => {
          if (finished < chunks.length) fail(new Error(`a batch worker exited (status ${code})`));
        });
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
