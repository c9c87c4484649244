/**
 * Runs a batch plan on worker threads (node:worker_threads), or in this thread when asked for
 * 0 workers. Chunks of runs are handed out as threads free up and come back in columns (see
 * columns.ts), their buffers transferred rather than copied; each is kept at its place in run
 * order, so the result is the same whatever the number of threads or the order chunks finish.
 *
 * Workers load their module as run/worker-module.ts explains (the TypeScript sources through
 * tsx, or the build).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { WORKER_BOOT, workerBoot } from '../run/worker-module.js';
import type { RunColumns } from './columns.js';
import { chunksOf, playChunk, type BatchPlan, type Chunk } from './plan.js';
import { RunTable } from './run-table.js';
import type { FromWorker, ToWorker } from './worker.js';

export interface PoolOptions {
  /** Worker threads; 0 plays in this thread. Default: the machine's available parallelism. */
  readonly workers?: number;
  /** Called after each chunk with the runs done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Called with each chunk of runs of each variant, in run order, as soon as it and every chunk
   * before it are in: statistics can be taken while the threads play.
   */
  readonly onChunk?: (variant: number, columns: RunColumns) => void;
}

/** The default number of worker threads: one per core. */
export const defaultWorkers = (): number => Math.max(1, availableParallelism());

/** Runs every variant of the plan; tables[v] holds the runs of variant v. */
export async function runPlan(plan: BatchPlan, options: PoolOptions = {}): Promise<RunTable[]> {
  const workers = Math.max(0, Math.floor(options.workers ?? defaultWorkers()));
  const total = plan.runs * plan.variants.length;
  // Chunks small enough to balance a few threads and to move the progress bar, big enough that
  // messages cost nothing next to the runs; the same whatever the number of threads.
  const chunks = chunksOf(plan, Math.max(1, Math.min(250, Math.ceil(total / 32))));
  const played = new Array<RunColumns | undefined>(chunks.length);
  let done = 0;
  let handedOn = 0;
  const store = (k: number, columns: RunColumns): void => {
    played[k] = columns;
    done += columns.count;
    options.onProgress?.(done, total);
    for (let c = played[handedOn]; c; c = played[++handedOn]) {
      options.onChunk?.(chunks[handedOn]?.variant ?? 0, c);
    }
  };
  if (workers === 0) {
    for (const [k, chunk] of chunks.entries()) {
      store(k, playChunk(plan, chunk));
      // Let timers and I/O in (a server stays responsive; a progress bar repaints).
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } else if (chunks.length > 0) {
    await runOnWorkers(plan, chunks, Math.min(workers, chunks.length), store);
  }
  return plan.variants.map(
    (_, v) =>
      new RunTable(
        plan.seed,
        played.filter((c, k): c is RunColumns => c !== undefined && chunks[k]?.variant === v),
      ),
  );
}

async function runOnWorkers(
  plan: BatchPlan,
  chunks: readonly Chunk[],
  threads: number,
  store: (k: number, columns: RunColumns) => void,
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
        w.postMessage({ type: 'chunk', k: next, chunk } satisfies ToWorker);
        next++;
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
              store(msg.k, msg.columns);
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
