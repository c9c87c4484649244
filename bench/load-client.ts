/**
 * The benchmark's load client: a bare WebSocket that speaks just enough of the protocol to
 * join a session, send commands and await their acks. Unlike the typed client
 * (server/client.ts), it does not parse, validate or apply the event frames the server pushes:
 * it only recognises acks and errors by their first bytes. The load generator shares this
 * 2-core machine with the server, so every microsecond it spends is one the server does not
 * get; with the typed client it took about 45 % of a core.
 */
import WebSocket from 'ws';
import type { CommandBody } from '../engine/index.js';
import { PROTOCOL_VERSION } from '../server/protocol.js';

const prefix = (type: string): Buffer => Buffer.from(`{"type":"${type}"`);
const WELCOME = prefix('welcome');
const ACK = prefix('ack');
const ERROR = prefix('error');
const startsWith = (data: Buffer, p: Buffer): boolean =>
  data.length >= p.length && data.compare(p, 0, p.length, 0, p.length) === 0;

export class LoadClient {
  private readonly pending = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  private next = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const ack = startsWith(data, ACK);
      if (!ack && !startsWith(data, ERROR)) return; // events and views: not read
      const frame = JSON.parse(data.toString()) as { id?: string; code?: string; message?: string };
      const waiter = frame.id === undefined ? undefined : this.pending.get(frame.id);
      if (!waiter || frame.id === undefined) return;
      this.pending.delete(frame.id);
      if (ack) waiter.resolve();
      else waiter.reject(new Error(`${frame.code ?? 'error'}: ${frame.message ?? ''}`));
    });
    ws.on('close', () => {
      for (const w of this.pending.values()) w.reject(new Error('connection closed'));
      this.pending.clear();
    });
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
