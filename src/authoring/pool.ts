/**
 * Worker threads for `ttx check` (batches spread over the machine's cores). Each worker loads
 * its module as run/worker-module.ts explains (sources through tsx, or the build) and is given
 * the scenario once.
 *
 * Batches are contiguous slices of the runs and results are merged in run order, so a check
 * reports the same findings whatever the number of workers.
 */
import { Worker } from 'node:worker_threads';
import type { Scenario } from '../../engine/index.js';
import { WORKER_BOOT, workerBoot, type WorkerBoot } from '../run/worker-module.js';
import type { RunSummary } from './evaluate.js';
import type { Play } from './play.js';

export type Task =
  | { readonly kind: 'explore'; readonly plays: readonly Play[] }
  | {
      readonly kind: 'statistic';
      readonly property: string;
      readonly from: number;
      readonly to: number;
    };

export type WorkerReply =
  | { readonly ready: true }
  | { readonly id: number; readonly progress: number }
  | { readonly id: number; readonly result: RunSummary[] | boolean[] }
  | { readonly id: number; readonly error: string };

interface Job {
  readonly id: number;
  readonly task: Task;
  readonly resolve: (r: RunSummary[] | boolean[]) => void;
  readonly reject: (e: Error) => void;
  readonly progress?: (n: number) => void;
}

export class Pool {
  private readonly idle: Worker[] = [];
  private readonly queue: Job[] = [];
  private readonly running = new Map<Worker, Job>();
  private nextId = 0;

  private constructor(private readonly workers: Worker[]) {
    this.idle.push(...workers);
    for (const w of workers) {
      w.on('message', (m: WorkerReply) => this.onMessage(w, m));
      w.on('error', (e) => this.fail(w, e));
      w.on('exit', (code) => {
        if (this.running.has(w)) this.fail(w, new Error(`a check worker exited (${code})`));
      });
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Starts `size` workers for `scenario`; null if they cannot start (the caller runs alone). */
  static async open(scenario: Scenario, size: number): Promise<Pool | null> {
    let boot: WorkerBoot;
    try {
      boot = workerBoot(import.meta.url, './worker.ts', './check-worker.mjs');
    } catch {
      return null;
    }
    const workers = Array.from(
      { length: size },
      () => new Worker(WORKER_BOOT, { eval: true, workerData: { boot, scenario } }),
    );
    const ready = workers.map(
      (w) =>
        new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), 30_000);
          const done = (ok: boolean): void => {
            clearTimeout(timer);
            resolve(ok);
          };
          w.once('message', (m: WorkerReply) => done('ready' in m));
          w.once('error', () => done(false));
        }),
    );
    if ((await Promise.all(ready)).every(Boolean)) return new Pool(workers);
    await Promise.all(workers.map((w) => w.terminate()));
    return null;
  }

  run(task: Task, progress?: (n: number) => void): Promise<RunSummary[] | boolean[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({
        id: this.nextId++,
        task,
        resolve,
        reject,
        ...(progress ? { progress } : {}),
      });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.running.set(w, job);
      w.postMessage({ id: job.id, task: job.task });
    }
  }

  private onMessage(w: Worker, m: WorkerReply): void {
    const job = this.running.get(w);
    if (!job || 'ready' in m || m.id !== job.id) return;
    if ('progress' in m) {
      job.progress?.(m.progress);
      return;
    }
    this.running.delete(w);
    this.idle.push(w);
    if ('error' in m) job.reject(new Error(m.error));
    else job.resolve(m.result);
    this.dispatch();
  }

  private fail(w: Worker, e: Error): void {
    const job = this.running.get(w);
    this.running.delete(w);
    job?.reject(e);
  }
}
