/**
 * The session thread of `ttx serve` (started by server/hub-link.ts): the store, the hub and
 * every live session, behind messages. The main thread keeps the network, so that the
 * engine, the views and the store on one core and the sockets on the other work in parallel.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Api } from './api.js';
import { FileStore } from './file-store.js';
import { ApiError } from './api-error.js';
import { Hub } from './hub.js';
import { Durations, GcPauses, LoopDelay } from './latency.js';
import { loggerTo, plain } from './log.js';
import { RemotePeers } from './remote-peers.js';
import type { FromHub, HubThreadData, ToHub } from './thread-messages.js';

if (!parentPort) throw new Error('server/hub-thread.ts runs as a worker thread');
const port = parentPort;
const post = (m: FromHub): void => {
  port.postMessage(m, m.t === 'out' ? [m.bytes.buffer] : []);
};
const data = (workerData as { data: HubThreadData }).data;

/** Log records go to the main thread's logger. Errors become plain data on the way. */
const log = loggerTo((level, msg, fields) => {
  const plainFields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) plainFields[k] = plain(v);
  post({ t: 'log', level, msg, fields: plainFields });
});

async function main(): Promise<void> {
  let store: FileStore;
  let hub: Hub;
  const journal = new Durations();
  const acks = new Durations();
  try {
    store = await FileStore.open(data.dataDir, { onJournalWrite: (w) => journal.record(w.ms) });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    post({ t: 'failed', message: e.message, ...(e.code ? { code: e.code } : {}) });
    return;
  }
  try {
    hub = new Hub({ store, log, limits: data.limits, ackTimes: acks });
    const recovered = await hub.recover();
    await hub.bundled();
    post({ t: 'ready', recovered });
  } catch (err) {
    await store.close();
    const e = err as NodeJS.ErrnoException;
    post({ t: 'failed', message: e.message, ...(e.code ? { code: e.code } : {}) });
    return;
  }
  const api = new Api(hub, store, { loop: new LoopDelay(), gc: new GcPauses(), journal, acks });
  const peers = new RemotePeers(hub, (batch) => post({ t: 'out', ...batch }));
  // Lagging peers catch up as the main thread reports their backlogs draining (see setBuffered).
  port.on('message', (m: ToHub) => {
    switch (m.t) {
      case 'in':
        return peers.receive(m.items);
      case 'buffered':
        return peers.setBuffered(m.conns);
      case 'call':
        api.call(m.call).then(
          (value) => post({ t: 'reply', id: m.id, value }),
          (err: unknown) => {
            if (err instanceof ApiError) {
              post({
                t: 'reply',
                id: m.id,
                failure: {
                  status: err.status,
                  code: err.code,
                  message: err.message,
                  ...(err.issues ? { issues: err.issues } : {}),
                },
              });
              return;
            }
            log.error('request failed', { op: m.call.op, err });
            post({
              t: 'reply',
              id: m.id,
              failure: { status: 500, code: 'internal', message: 'internal error' },
            });
          },
        );
        return;
      case 'shutdown':
        void (async () => {
          try {
            await hub.close(1001, 'server shutting down');
            peers.flush();
            await store.close();
          } catch (err) {
            log.error('the store did not close cleanly', { err });
          }
          post({ t: 'closed' });
        })();
        return;
    }
  });
}

void main();
