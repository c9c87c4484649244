/**
 * A small typed client of the `ttx serve` protocol (docs/protocol.md), for tests, scripts and
 * the web UI. It works over any WebSocket with the browser API: pass `connect` in Node (see
 * server/client-node.ts) or leave it out in a browser.
 *
 * It keeps the role's view up to date (applying patches, asking for a full view on a gap),
 * tracks the last event seq, and makes commands safe to retry: each command has an id, and
 * after a reconnection every unacknowledged command is sent again with the same id (the
 * server applies an id at most once).
 */
// Types from their own modules, not the engine's index: the web client type-checks this file
// without Node's types, and the index reaches modules that use them.
import type { CommandBody } from '../engine/commands/schema.js';
import type { EngineEvent } from '../engine/events.js';
import type { Role } from '../engine/state.js';
import type { View } from '../engine/views.js';
import { applyPatches } from './patch.js';
import {
  CLOSE,
  PROTOCOL_VERSION,
  ServerFrame,
  type AckFrame,
  type ErrorCode,
  type EventFrame,
  type OptionsFrame,
  type RevokedFrame,
} from './protocol.js';

/** The part of the WebSocket API the client uses (browsers and the `ws` package have it). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

export interface ClientOptions {
  /** `ws://host:port/ws` */
  readonly url: string;
  readonly token: string;
  /** Opens a socket; default: the global `WebSocket` (browsers). */
  readonly connect?: WebSocketFactory;
  /** Resume after this event seq (the server sends exactly the events after it). */
  readonly lastSeq?: number;
  /** Check every server frame against the protocol schema (default true). */
  readonly validate?: boolean;
  /** Keep `view` up to date (default true). */
  readonly trackView?: boolean;
  /** Reconnect by itself when the connection drops (default: no). */
  readonly reconnect?: { readonly delayMs?: number; readonly maxDelayMs?: number } | false;
  /** Every frame received, after validation, with its JSON text (alone, if it came in an array). */
  readonly onFrame?: (frame: ServerFrame, raw: string) => void;
  /** The events of each command, in seq order, with no gap and no duplicate. */
  readonly onEvent?: (seq: number, events: readonly EngineEvent[]) => void;
  readonly onView?: (view: View, seq: number) => void;
  /** The connection closed (it may reconnect by itself). */
  readonly onClose?: (code: number, reason: string) => void;
  /** An error frame that answers no command of this client. */
  readonly onError?: (code: ErrorCode, message: string) => void;
}

/** A command the server refused (nothing was changed). */
export class CommandError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly id?: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'CommandError';
  }
}

/** The connection closed before the server welcomed it. */
export class ConnectError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    readonly error?: { code: ErrorCode; message: string },
  ) {
    super(
      `connection refused (${code}${reason ? ` ${reason}` : ''})${error ? `: ${error.message}` : ''}`,
    );
    this.name = 'ConnectError';
  }
}

interface PendingCommand {
  readonly frame: string;
  readonly resolve: (ack: AckFrame) => void;
  readonly reject: (err: Error) => void;
}

const OPEN = 1;

let counter = 0;
const newId = (): string => {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return c?.randomUUID ? c.randomUUID() : `c${Date.now().toString(36)}-${(counter++).toString(36)}`;
};

export class TtxClient {
  role: Role | undefined;
  team: string | undefined;
  session: string | undefined;
  /** The last event seq received. */
  seq = 0;
  /** The role's view, and the seq it is at. */
  view: View | undefined;
  viewSeq = -1;
  /** Event frames that repeated a seq already seen, or skipped one (both should stay 0). */
  duplicates = 0;
  gaps = 0;
  /** Server frames that failed validation (should stay 0). */
  invalidFrames = 0;
  private socket: WebSocketLike | undefined;
  private joined = false;
  private everJoined = false;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private closing = false;
  private attempts = 0;
  private readonly pending = new Map<string, PendingCommand>();
  private revokes: {
    role: string;
    resolve: (f: RevokedFrame) => void;
    reject: (e: Error) => void;
  }[] = [];
  /** `options` requests awaiting their answer, in the order sent (answers come in order). */
  private optionWaiters: { resolve: (f: OptionsFrame) => void; reject: (e: Error) => void }[] = [];
  private welcomeWaiter: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private lastError: { code: ErrorCode; message: string } | undefined;
  private resumeFrom: number | undefined;

  private url: string;

  private constructor(private readonly options: ClientOptions) {
    this.url = options.url;
    this.resumeFrom = options.lastSeq;
    if (options.lastSeq !== undefined) this.seq = options.lastSeq;
  }

  /** Connects and resolves once the server has welcomed the client. */
  static async connect(options: ClientOptions): Promise<TtxClient> {
    const client = new TtxClient(options);
    await client.open();
    return client;
  }

  /** True while connected and welcomed. */
  get connected(): boolean {
    return this.joined && this.socket?.readyState === OPEN;
  }

  /** The underlying socket (tests use it to drop the connection abruptly). */
  get rawSocket(): WebSocketLike | undefined {
    return this.socket;
  }

  /** Commands sent and not yet acknowledged. */
  get unacknowledged(): number {
    return this.pending.size;
  }

  /**
   * Sends a command; resolves with the ack once it is applied and durable, rejects with a
   * {@link CommandError} if refused. Safe to call while disconnected: it goes out (with the
   * same id) once the client is welcomed again.
   */
  send(command: CommandBody, id: string = newId()): Promise<AckFrame> {
    const known = this.pending.get(id);
    if (known) return Promise.reject(new Error(`command id '${id}' is already pending`));
    return new Promise<AckFrame>((resolve, reject) => {
      const frame = JSON.stringify({ type: 'command', id, command });
      this.pending.set(id, { frame, resolve, reject });
      if (this.connected) this.socket?.send(frame);
    });
  }

  /** Sends a raw text frame (tests). */
  sendRaw(text: string): void {
    this.socket?.send(text);
  }

  /** Asks for a full view. */
  sync(): void {
    if (this.connected) this.socket?.send(JSON.stringify({ type: 'sync' }));
  }

  /** Facilitator only: revokes a role's token; with `reissue`, resolves with the new one. */
  revoke(role: string, reissue = false): Promise<RevokedFrame> {
    return new Promise((resolve, reject) => {
      this.revokes.push({ role, resolve, reject });
      this.socket?.send(JSON.stringify({ type: 'revoke', role, reissue }));
    });
  }

  /**
   * The commands this role may issue now (the server's `legalCommands` for the role), at the
   * seq the answer names. Rejects if the client is not connected or the connection drops.
   */
  legalCommands(): Promise<OptionsFrame> {
    if (!this.connected) return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => {
      this.optionWaiters.push({ resolve, reject });
      this.socket?.send(JSON.stringify({ type: 'options' }));
    });
  }

  /**
   * Drops the connection (if any) and connects again (to `url`, if the server moved),
   * resuming after the last event seen; unacknowledged commands are sent again with their
   * ids.
   */
  async reconnect(url?: string): Promise<void> {
    clearTimeout(this.retry);
    this.detach();
    if (url !== undefined) this.url = url;
    this.resumeFrom = this.seq;
    await this.open();
  }

  /** Closes for good; pending commands are rejected. */
  close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retry);
    const s = this.socket;
    for (const [id, p] of this.pending)
      p.reject(new CommandError('unavailable', 'client closed', id));
    this.pending.clear();
    if (!s || s.readyState > OPEN) return Promise.resolve();
    return new Promise((resolve) => {
      const done = s.onclose;
      s.onclose = (ev) => {
        done?.(ev);
        resolve();
      };
      s.close(1000, 'bye');
    });
  }

  // ------------------------------------------------------------------ internals

  private open(): Promise<void> {
    const factory =
      this.options.connect ??
      ((url: string) => {
        const Ws = (globalThis as { WebSocket?: new (url: string) => WebSocketLike }).WebSocket;
        if (!Ws) throw new Error('no global WebSocket: pass `connect` (see server/client-node.ts)');
        return new Ws(url);
      });
    const socket = factory(this.url);
    this.socket = socket;
    this.joined = false;
    this.lastError = undefined;
    return new Promise<void>((resolve, reject) => {
      this.welcomeWaiter = { resolve, reject };
      socket.onopen = () => {
        socket.send(
          JSON.stringify({
            type: 'hello',
            protocol: PROTOCOL_VERSION,
            token: this.options.token,
            ...(this.resumeFrom === undefined ? {} : { lastSeq: this.resumeFrom }),
          }),
        );
      };
      socket.onmessage = (ev) => this.receive(String(ev.data));
      socket.onerror = () => undefined; // a close always follows
      socket.onclose = (ev) => this.closed(socket, ev.code, ev.reason);
    });
  }

  /** Forgets the current socket without waiting (its late frames are ignored). */
  private detach(): void {
    const s = this.socket;
    if (!s) return;
    for (const w of this.optionWaiters) w.reject(new Error('reconnecting'));
    this.optionWaiters = [];
    s.onmessage = null;
    s.onclose = null;
    s.onopen = null;
    if (s.readyState <= OPEN) s.close(1000, 'reconnecting');
    this.socket = undefined;
    this.joined = false;
  }

  private closed(socket: WebSocketLike, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.joined = false;
    const waiter = this.welcomeWaiter;
    this.welcomeWaiter = undefined;
    if (waiter) waiter.reject(new ConnectError(code, reason, this.lastError));
    for (const r of [...this.revokes, ...this.optionWaiters]) {
      r.reject(new Error(`connection closed (${code})`));
    }
    this.revokes = [];
    this.optionWaiters = [];
    this.options.onClose?.(code, reason);
    // Reconnect by itself once it has been welcomed, unless the token is refused or the
    // protocol differs; a failed attempt is retried with a growing delay.
    const policy = this.options.reconnect;
    const fatal = code === CLOSE.unauthorized || code === CLOSE.unsupportedProtocol;
    if (this.closing || !policy || fatal || !this.everJoined) return;
    const delay = Math.min(
      policy.maxDelayMs ?? 2000,
      (policy.delayMs ?? 50) * 2 ** Math.min(this.attempts++, 16),
    );
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      if (this.closing) return;
      this.resumeFrom = this.seq;
      this.open().catch(() => undefined);
    }, delay);
  }

  /** A message: one frame, or several in an array (handled in order). */
  private receive(raw: string): void {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return;
    }
    if (Array.isArray(value)) for (const v of value) this.handle(v, undefined);
    else this.handle(value, raw);
  }

  /** One frame; `raw` is its text when it came alone. */
  private handle(value: unknown, raw: string | undefined): void {
    let f: ServerFrame;
    if (this.options.validate === false) f = value as ServerFrame;
    else {
      const parsed = ServerFrame.safeParse(value);
      if (!parsed.success) {
        this.invalidFrames++;
        this.options.onError?.(
          'badFrame',
          `the server sent an invalid frame: ${parsed.error.message}`,
        );
        return;
      }
      f = parsed.data;
    }
    this.options.onFrame?.(f, raw ?? JSON.stringify(value));
    switch (f.type) {
      case 'welcome': {
        this.role = f.role;
        this.team = f.team;
        this.session = f.session;
        this.setView(f.view as unknown as View, f.seq);
        if (this.resumeFrom === undefined || this.resumeFrom > f.seq) this.seq = f.seq;
        this.joined = true;
        this.everJoined = true;
        this.attempts = 0;
        for (const p of this.pending.values()) this.socket?.send(p.frame);
        const waiter = this.welcomeWaiter;
        this.welcomeWaiter = undefined;
        waiter?.resolve();
        return;
      }
      case 'event': {
        if (f.seq <= this.seq) {
          this.duplicates++;
          return;
        }
        if (f.seq !== this.seq + 1) this.gaps++;
        this.seq = f.seq;
        this.options.onEvent?.(f.seq, f.events as unknown as EngineEvent[]);
        if (f.view && this.options.trackView !== false) this.patchView(f);
        return;
      }
      case 'view':
        this.setView(f.view as unknown as View, f.seq);
        return;
      case 'ack': {
        const p = this.pending.get(f.id);
        this.pending.delete(f.id);
        p?.resolve(f);
        return;
      }
      case 'error': {
        this.lastError = { code: f.code, message: f.message };
        const p = f.id === undefined ? undefined : this.pending.get(f.id);
        if (p && f.id !== undefined) {
          this.pending.delete(f.id);
          p.reject(new CommandError(f.code, f.message, f.id));
          return;
        }
        if (
          f.id === undefined &&
          (f.code === 'badRequest' || f.code === 'forbidden') &&
          this.revokes.length
        ) {
          this.revokes.shift()?.reject(new CommandError(f.code, f.message));
          return;
        }
        this.options.onError?.(f.code, f.message);
        return;
      }
      case 'revoked': {
        const i = this.revokes.findIndex((r) => r.role === f.role);
        const [r] = i >= 0 ? this.revokes.splice(i, 1) : [];
        r?.resolve(f);
        return;
      }
      case 'options':
        this.optionWaiters.shift()?.resolve(f);
        return;
    }
  }

  private setView(view: View, seq: number): void {
    if (this.options.trackView === false) return;
    this.view = view;
    this.viewSeq = seq;
    this.options.onView?.(view, seq);
  }

  private patchView(f: EventFrame): void {
    const patch = f.view;
    if (!patch || !this.view) return;
    if (patch.base !== this.viewSeq) {
      this.sync();
      return;
    }
    try {
      this.setView(applyPatches(this.view, patch.patches), f.seq);
    } catch {
      this.sync();
    }
  }
}
