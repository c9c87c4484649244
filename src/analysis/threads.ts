/**
 * The worker threads of a batch, apart from the code that plays it: this module loads nothing
 * but Node's own, so that `ttx batch` can start its threads first and load the engine, the
 * scenario and the analysis while they boot (see src/cli/commands/batch.ts).
 *
 * Workers load their module as run/worker-module.ts explains (the TypeScript sources through
 * tsx, or the build).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { WORKER_BOOT, workerBoot } from '../run/worker-module.js';
import type { FromWorker } from './worker.js';

/** The default number of worker threads: one per core. */
export const defaultWorkers = (): number => Math.max(1, availableParallelism());

/**
 * Worker threads started ahead of their plan: a thread takes a few tenths of a second to load
 * its module, which the caller can overlap with its own work (`ttx batch` parses the scenario
 * meanwhile). Each is used by one `runPlan`, which closes them.
 */
export class BatchThreads {
  private readonly started: { readonly worker: Worker; readonly ready: Promise<void> }[] = [];

  constructor(count: number) {
    const boot = workerBoot(import.meta.url, './worker.ts', './batch-worker.mjs');
    for (let k = 0; k < Math.max(1, count); k++) {
      const worker = new Worker(WORKER_BOOT, { eval: true, execArgv: [], workerData: { boot } });
      const ready = new Promise<void>((resolve, reject) => {
        worker.once('message', (msg: FromWorker) =>
          msg.type === 'ready' ? resolve() : reject(new Error(`a batch worker failed to start`)),
        );
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`a batch worker exited (status ${code})`)));
      });
      // Handled here so that threads closed before use cannot raise an unhandled rejection.
      ready.catch(() => undefined);
      this.started.push({ worker, ready });
    }
  }

  get size(): number {
    return this.started.length;
  }

  get threads(): readonly { readonly worker: Worker; readonly ready: Promise<void> }[] {
    return this.started;
  }

  async close(): Promise<void> {
    await Promise.all(this.started.map((t) => t.worker.terminate()));
  }
}
