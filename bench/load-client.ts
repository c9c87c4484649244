/**
 * The benchmark's load client: a bare WebSocket that speaks just enough of the protocol to
 * join a session, send commands and await their acks. Unlike the typed client
 * (server/client.ts), it does not parse, validate or apply the event frames the server pushes:
 * it only picks out acks and errors by their first bytes, and in an array of frames, by a
 * search (a frame is JSON, so `{"type":"ack"` cannot occur inside a string of another). The
 * load generator shares this 2-core machine with the server, so every microsecond it spends
 * is one the server does not get; with the typed client it took about 45 % of a core.
 */
import WebSocket from 'ws';
import type { CommandBody } from '../engine/index.js';
import { PROTOCOL_VERSION } from '../server/protocol.js';

const prefix = (type: string): Buffer => Buffer.from(`{"type":"${type}"`);
const WELCOME = prefix('welcome');
const ACK = prefix('ack');
const ERROR = prefix('error');
/** How an ack's id starts; the load client's ids need no escapes. */
const ACK_ID = Buffer.from('{"type":"ack","id":"');
const QUOTE = 0x22;
const startsWith = (data: Buffer, p: Buffer): boolean =>
  data.length >= p.length && data.compare(p, 0, p.length, 0, p.length) === 0;

interface Frame {
  readonly type?: string;
  readonly id?: string;
  readonly code?: string;
  readonly message?: string;
}

export class LoadClient {
  private readonly pending = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  private next = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0x5b /* [: several frames */) {
        if (data.includes(ERROR)) {
          for (const f of JSON.parse(data.toString()) as Frame[]) this.answer(f);
          return;
        }
        for (let at = data.indexOf(ACK_ID); at >= 0; at = data.indexOf(ACK_ID, at + 1)) {
          const from = at + ACK_ID.length;
          this.settle(data.toString('latin1', from, data.indexOf(QUOTE, from)), undefined);
        }
      } else if (startsWith(data, ACK) || startsWith(data, ERROR)) {
        this.answer(JSON.parse(data.toString()) as Frame); // events and views: not read
      }
    });
    ws.on('close', () => {
      for (const w of this.pending.values()) w.reject(new Error('connection closed'));
      this.pending.clear();
    });
  }

  private answer(f: Frame): void {
    if (f.id === undefined || (f.type !== 'ack' && f.type !== 'error')) return;
    this.settle(f.id, f.type === 'ack' ? undefined : f);
  }

  /** The command `id` was acknowledged (or refused: `error`). */
  private settle(id: string, error: Frame | undefined): void {
    const waiter = this.pending.get(id);
    if (!waiter) return;
    this.pending.delete(id);
    if (error) waiter.reject(new Error(`${error.code ?? 'error'}: ${error.message ?? ''}`));
    else waiter.resolve();
  }

  /** Connects and joins as the token's role. */
  static open(url: string, token: string): Promise<LoadClient> {
    // The server is trusted here: its text frames are not checked for valid UTF-8.
    const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    return new Promise((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () =>
        ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token })),
      );
      const joined = (data: Buffer): void => {
        if (!startsWith(data, WELCOME)) {
          reject(new Error(`not welcomed: ${data.toString().slice(0, 200)}`));
          return;
        }
        ws.off('message', joined);
        ws.off('error', reject);
        resolve(new LoadClient(ws));
      };
      ws.on('message', joined);
    });
  }

  /** Sends a command; resolves on its ack, rejects on an error frame. */
  send(command: CommandBody): Promise<void> {
    const id = `c${this.next++}`;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ type: 'command', id, command }));
    });
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close(1000, 'done');
    });
  }
}
