/**
 * Worker-thread entry of the batch pool (see pool.ts): receives a plan once, then plays the
 * chunks it is given and posts their runs back in columns, transferring their buffers.
 */
import { parentPort } from 'node:worker_threads';
import { transferList, type RunColumns } from './columns.js';
import { playChunk, type BatchPlan, type Chunk } from './plan.js';

export type ToWorker =
  | { readonly type: 'plan'; readonly plan: BatchPlan }
  /** Chunk k of the pool's list. */
  | { readonly type: 'chunk'; readonly k: number; readonly chunk: Chunk };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly k: number; readonly columns: RunColumns }
  | { readonly type: 'error'; readonly message: string };

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
      const columns = playChunk(plan, msg.chunk);
      port.postMessage(
        { type: 'done', k: msg.k, columns } satisfies FromWorker,
        transferList(columns),
      );
    } catch (err) {
      port.postMessage({
        type: 'error',
        message: err instanceof Error ? err.message : String(err),
      } satisfies FromWorker);
    }
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}
