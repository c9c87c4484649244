/**
 * The main thread's end of the session thread (server/hub-thread.ts).
 *
 * Why two threads: under load, a command's cost is split about evenly between the sessions
 * (engine step, views and their patches, frames, the journal) and the network (WebSocket
 * frames in and out, and above all one socket write per connection per push). On one thread
 * the two queue behind each other; on two they overlap, on the machine's two cores.
 *
 * Frames in each direction are gathered over a turn of the event loop and cross in one
 * message. Calls of the HTTP API are answered by number.
 */
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { WORKER_BOOT, workerBoot } from '../src/run/worker-module.js';
import { ApiError } from './api-error.js';
import type { Limits } from './limits.js';
import type { Logger } from './log.js';
import type { ClientFrame } from './protocol.js';
import type { ApiCall, FromHub, Inbound, Outbound, ToHub } from './thread-messages.js';

/** A connection, as the link delivers to it. */
export interface LinkedConnection {
  /**
   * A message to send (UTF-8 JSON text: a frame, or an array of frames), if any; then perhaps
   * the role or a close.
   */
  deliver(message: Buffer | undefined, out: Omit<Outbound, 'frames'>): void;
  /** Bytes queued for the network. */
  buffered(): number;
}

export class HubLink {
  private readonly conns = new Map<number, LinkedConnection>();
  private nextConn = 1;
  private readonly calls = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: unknown) => void }
  >();
  private nextCall = 1;
  private inbound: Inbound[] = [];
  private scheduled = false;
  /** The backlog last reported for each connection that had one. */
  private readonly reported = new Map<number, number>();
  /** Set once shutdown began: called when the session thread says it has closed. */
  private closed: (() => void) | undefined;
  private failure: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly log: Logger,
    readonly recovered: { readonly restored: number; readonly quarantined: number },
    private readonly onFailure: (err: Error) => void,
  ) {
    worker.on('message', (m: FromHub) => this.receive(m));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`the session thread exited (status ${code})`));
    });
  }

  /** Starts the session thread on a data directory; resolves once every session is restored. */
  static start(
    dataDir: string,
    limits: Limits,
    log: Logger,
    onFailure: (err: Error) => void,
  ): Promise<HubLink> {
    const boot = workerBoot(import.meta.url, './hub-thread.ts', './hub-thread.mjs');
    // V8 reads it as it creates the thread's heap. V8 flags are the process's (a worker takes
    // none of its own): threads started later begin as large, which costs nothing until used.
    if (limits.sessionHeapStartMb > 0) {
      setFlagsFromString(`--initial-old-space-size=${limits.sessionHeapStartMb}`);
    }
    const worker = new Worker(WORKER_BOOT, {
      eval: true,
      // A profile of the server (--cpu-prof) profiles this thread too.
      execArgv: process.execArgv.filter((a) => a.startsWith('--cpu-prof')),
      workerData: { boot, data: { dataDir, limits } },
    });
    return new Promise((resolve, reject) => {
      const early = (m: FromHub): void => {
        if (m.t === 'log') return logTo(log, m);
        worker.off('message', early);
        worker.off('error', reject);
        if (m.t === 'ready') {
          resolve(new HubLink(worker, log, m.recovered, onFailure));
        } else {
          const err: NodeJS.ErrnoException = new Error(
            m.t === 'failed' ? m.message : `unexpected ${m.t}`,
          );
          if (m.t === 'failed' && m.code) err.code = m.code;
          void worker.terminate();
          reject(err);
        }
      };
      worker.on('message', early);
      worker.once('error', reject);
    });
  }

  /** The session thread failed: every session is unavailable until a restart. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Calls an API operation on the session thread; an ApiError when it fails. */
  call<T>(call: ApiCall): Promise<T> {
    if (this.failure) return Promise.reject(unavailable());
    const id = this.nextCall++;
    return new Promise<T>((resolve, reject) => {
      this.calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.post({ t: 'call', id, call });
    });
  }

  connect(conn: LinkedConnection): number {
    const id = this.nextConn++;
    this.conns.set(id, conn);
    return id;
  }

  /** A validated frame from a connection. */
  frame(conn: number, frame: ClientFrame): void {
    this.queue({ conn, frame });
  }

  /** Closes a connection once the session thread has answered the frames it sent before. */
  closeAfterReplies(conn: number, code: number, reason: string): void {
    this.queue({ conn, close: { code, reason } });
  }

  /** A connection closed. */
  disconnect(conn: number): void {
    if (!this.conns.delete(conn)) return;
    this.reported.delete(conn);
    this.queue({ conn, left: true });
  }

  /**
   * Tells the session thread the backlogs that changed since the last report (a connection
   * that does not read fast enough is skipped, and catches up once it drains): of every
   * connection, or of those given.
   */
  reportBacklogs(ids: Iterable<number> = this.conns.keys()): void {
    const changed: [number, number][] = [];
    for (const id of ids) {
      const bytes = this.conns.get(id)?.buffered() ?? 0;
      if (bytes !== (this.reported.get(id) ?? 0)) {
        changed.push([id, bytes]);
        if (bytes === 0) this.reported.delete(id);
        else this.reported.set(id, bytes);
      }
    }
    if (changed.length > 0) this.post({ t: 'buffered', conns: changed });
  }

  /** Waits for pending writes, closes every session's connections and the store. */
  async shutdown(): Promise<void> {
    if (!this.failure) {
      await new Promise<void>((resolve) => {
        this.closed = resolve;
        this.flushInbound();
        this.post({ t: 'shutdown' });
      });
    }
    this.closed ??= () => undefined;
    await this.worker.terminate();
  }

  private queue(item: Inbound): void {
    this.inbound.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    // After this turn of the event loop: every connection's frames of it in one message.
    setImmediate(() => this.flushInbound());
  }

  private flushInbound(): void {
    this.scheduled = false;
    if (this.inbound.length === 0) return;
    const items = this.inbound;
    this.inbound = [];
    this.post({ t: 'in', items });
  }

  private post(m: ToHub): void {
    if (!this.failure) this.worker.postMessage(m);
  }

  private receive(m: FromHub): void {
    switch (m.t) {
      case 'out': {
        const backlogs: number[] = [];
        let offset = m.bytes.byteOffset;
        m.conns.forEach((o, i) => {
          const n = m.lengths[i] ?? 0;
          const message = n > 0 ? Buffer.from(m.bytes.buffer, offset, n) : undefined;
          offset += n;
          const c = this.conns.get(o.conn);
          if (!c) return;
          c.deliver(message, o);
          if (c.buffered() > 0) backlogs.push(o.conn);
        });
        if (backlogs.length > 0) this.reportBacklogs(backlogs);
        return;
      }
      case 'reply': {
        const waiter = this.calls.get(m.id);
        this.calls.delete(m.id);
        if ('failure' in m) {
          const f = m.failure;
          waiter?.reject(
            new ApiError(f.status, f.code, f.message, 'issues' in f ? f.issues : undefined),
          );
        } else waiter?.resolve(m.value);
        return;
      }
      case 'log':
        return logTo(this.log, m);
      case 'closed':
        return this.closed?.();
      case 'ready':
      case 'failed':
        return;
    }
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.log.error('the session thread failed: every session is unavailable until a restart', {
      err,
    });
    for (const w of this.calls.values()) w.reject(unavailable());
    this.calls.clear();
    this.onFailure(err);
  }
}

const unavailable = (): ApiError =>
  new ApiError(503, 'unavailable', 'the sessions are unavailable: restart the server');

function logTo(log: Logger, m: Extract<FromHub, { t: 'log' }>): void {
  log[m.level](m.msg, m.fields);
}
