/**
 * Worker-thread entry of the batch pool (see pool.ts): receives a plan once, then plays the
 * chunks it is given and posts their records back.
 */
import { parentPort } from 'node:worker_threads';
import { playChunk, type BatchPlan, type Chunk } from './plan.js';
import type { RunRecord } from './runner.js';

export type ToWorker =
  | { readonly type: 'plan'; readonly plan: BatchPlan }
  | { readonly type: 'chunk'; readonly chunk: Chunk };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly chunk: Chunk; readonly records: RunRecord[] }
  | { readonly type: 'error'; readonly chunk: Chunk | null; readonly message: string };

const port = parentPort;
if (port) {
  let plan: BatchPlan | null = null;
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'plan') {
      plan = msg.plan;
      return;
    }
    try {
      if (!plan) throw new Error('no plan received');
      const records = playChunk(plan, msg.chunk);
      port.postMessage({ type: 'done', chunk: msg.chunk, records } satisfies FromWorker);
    } catch (err) {
      port.postMessage({
        type: 'error',
        chunk: msg.chunk,
        message: err instanceof Error ? err.message : String(err),
      } satisfies FromWorker);
    }
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}
