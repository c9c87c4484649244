/**
 * Runs a batch plan on worker threads (node:worker_threads), or in this thread when asked for
 * 0 workers. Chunks of runs are handed out as threads free up and come back in columns (see
 * columns.ts), their buffers transferred rather than copied; each is kept at its place in run
 * order, so the result is the same whatever the number of threads or the order chunks finish.
 * The threads themselves are started by threads.ts.
 */
import type { Worker } from 'node:worker_threads';
import type { RunColumns } from './columns.js';
import { chunksOf, playChunk, type BatchPlan, type Chunk } from './plan.js';
import { RunTable } from './run-table.js';
import { BatchThreads, defaultWorkers } from './threads.js';
import type { FromWorker, ToWorker } from './worker.js';

export interface PoolOptions {
  /** Worker threads; 0 plays in this thread. Default: the machine's available parallelism. */
  readonly workers?: number;
  /** Threads started beforehand (see BatchThreads); they replace `workers` and are closed. */
  readonly threads?: BatchThreads;
  /** Called after each chunk with the runs done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Called with each chunk of runs of each variant, in run order, as soon as it and every chunk
   * before it are in: statistics can be taken while the threads play.
   */
  readonly onChunk?: (variant: number, columns: RunColumns) => void;
}

/** Runs every variant of the plan; tables[v] holds the runs of variant v. */
export async function runPlan(plan: BatchPlan, options: PoolOptions = {}): Promise<RunTable[]> {
  const workers = options.threads
    ? options.threads.size
    : Math.max(0, Math.floor(options.workers ?? defaultWorkers()));
  const total = plan.runs * plan.variants.length;
  const chunks = chunksOf(plan);
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
  } else {
    const threads = options.threads ?? new BatchThreads(Math.min(workers, chunks.length));
    try {
      await runOnWorkers(plan, chunks, threads, store);
    } finally {
      await threads.close();
    }
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
  threads: BatchThreads,
  store: (k: number, columns: RunColumns) => void,
): Promise<void> {
  let next = 0;
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
    for (const { worker: w, ready } of threads.threads) {
      w.postMessage({ type: 'plan', plan } satisfies ToWorker);
      w.on('message', (msg: FromWorker) => {
        if (failed || msg.type === 'ready') return;
        if (msg.type === 'done') {
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
      // Two chunks in flight per thread: the next is queued while this one runs.
      ready.then(
        () => {
          feed(w);
          feed(w);
        },
        (err: unknown) => fail(err instanceof Error ? err : new Error(String(err))),
      );
    }
  });
}
