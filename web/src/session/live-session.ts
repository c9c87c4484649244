/**
 * One joined role in the browser: the typed protocol client (server/client.ts) plus what the
 * pages need from it — the connection's state in plain words, the view, every event the role
 * has seen since the session began, and the commands it may issue now.
 *
 * It asks for the whole event history on joining (`lastSeq: 0`), so feeds and the phase
 * timeline are complete after a reload, and it asks for the legal commands (`options`) once
 * the events of a burst of commands have arrived.
 */
import type { CommandBody } from '../../../engine/commands/schema.js';
import type { EngineEvent } from '../../../engine/events.js';
import type { Role } from '../../../engine/state.js';
import type { View } from '../../../engine/views.js';
import { CommandError, ConnectError, TtxClient } from '../../../server/client.js';
import { closeReason, plainError } from '../lib/errors.js';

export type Connection =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'connected' }
  | { readonly kind: 'reconnecting'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string };

/** An event with the seq of the command that caused it (the pair is a stable key). */
export interface FeedEntry {
  readonly seq: number;
  readonly index: number;
  readonly event: EngineEvent;
}

export interface Snapshot {
  readonly connection: Connection;
  readonly session?: string;
  readonly role?: Role;
  readonly view?: View;
  readonly viewSeq: number;
  readonly feed: readonly FeedEntry[];
  /** The legal commands, and the seq they are legal at (current when it equals `viewSeq`). */
  readonly options?: { readonly seq: number; readonly commands: readonly CommandBody[] };
  /** The last error the server sent that answered no command of ours, in plain words. */
  readonly notice?: string;
}

/** A command the server refused, in plain words. */
export class RefusedError extends Error {
  override name = 'RefusedError';
}

const RECONNECT = { delayMs: 250, maxDelayMs: 4000 };
/** Commands often come in bursts (a turn's end); ask for options once it has passed. */
const OPTIONS_DEBOUNCE_MS = 120;

export class LiveSession {
  private client: TtxClient | undefined;
  private state: Snapshot = { connection: { kind: 'connecting' }, viewSeq: -1, feed: [] };
  private readonly listeners = new Set<(s: Snapshot) => void>();
  private optionsTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  get snapshot(): Snapshot {
    return this.state;
  }

  subscribe(listener: (s: Snapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connects, retrying until welcomed (the server may be restarting) unless the token is refused. */
  start(): void {
    if (this.closed || this.client) return;
    TtxClient.connect({
      url: this.url,
      token: this.token,
      lastSeq: 0,
      reconnect: RECONNECT,
      onFrame: (f) => {
        if (f.type === 'welcome') {
          this.attempts = 0;
          this.update({ connection: { kind: 'connected' }, session: f.session, role: f.role });
          this.scheduleOptions();
        }
      },
      onEvent: (seq, events) => {
        if (events.length === 0) return;
        const entries = events.map((event, index) => ({ seq, index, event }));
        this.update({ feed: [...this.state.feed, ...entries] });
      },
      onView: (view, seq) => {
        this.update({ view, viewSeq: seq });
        this.scheduleOptions();
      },
      onClose: (code) => {
        const { message, fatal } = closeReason(code);
        this.update({
          connection: fatal
            ? { kind: 'failed', reason: message }
            : { kind: 'reconnecting', reason: message },
        });
      },
      onError: (code, message) => this.update({ notice: plainError(code, message) }),
    }).then(
      (client) => {
        if (this.closed) void client.close();
        else this.client = client;
      },
      (err: unknown) => this.connectFailed(err),
    );
  }

  /** Sends a command; resolves once it is applied and durable, or throws a {@link RefusedError}. */
  async send(command: CommandBody): Promise<void> {
    const client = this.client;
    if (!client)
      throw new RefusedError('The page is not connected yet. Wait a moment and try again.');
    try {
      await client.send(command);
    } catch (err) {
      if (err instanceof CommandError) throw new RefusedError(plainError(err.code, err.message));
      throw err;
    }
  }

  /** Facilitator: revokes a role's link; with `reissue`, resolves with the new token. */
  async revoke(role: string, reissue: boolean): Promise<string | undefined> {
    const client = this.client;
    if (!client?.connected)
      throw new RefusedError('The page is not connected. Try again in a moment.');
    try {
      return (await client.revoke(role, reissue)).token;
    } catch (err) {
      if (err instanceof CommandError) throw new RefusedError(plainError(err.code, err.message));
      throw err;
    }
  }

  /**
   * Reconnects at once (resuming after the last event seen). For when the browser says the
   * network is back: a connection cut silently may still look open.
   */
  reconnectNow(): void {
    this.client?.reconnect().catch(() => undefined); // a failed attempt is retried by itself
  }

  dismissNotice(): void {
    const { notice: _gone, ...rest } = this.state;
    this.set(rest);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.optionsTimer);
    clearTimeout(this.retryTimer);
    void this.client?.close();
  }

  // ------------------------------------------------------------------ internals

  private connectFailed(err: unknown): void {
    if (this.closed) return;
    const code = err instanceof ConnectError ? err.code : 1006;
    const { message, fatal } = closeReason(code);
    if (fatal) {
      this.update({ connection: { kind: 'failed', reason: message } });
      return;
    }
    this.update({ connection: { kind: 'reconnecting', reason: message } });
    const delay = Math.min(RECONNECT.maxDelayMs, RECONNECT.delayMs * 2 ** this.attempts++);
    this.retryTimer = setTimeout(() => this.start(), delay);
  }

  private scheduleOptions(): void {
    if (this.state.role === 'observer') return;
    clearTimeout(this.optionsTimer);
    this.optionsTimer = setTimeout(() => void this.fetchOptions(), OPTIONS_DEBOUNCE_MS);
  }

  private async fetchOptions(): Promise<void> {
    const client = this.client;
    if (!client?.connected) return;
    try {
      const f = await client.legalCommands();
      this.update({ options: { seq: f.seq, commands: f.commands } });
      if (f.seq < client.viewSeq) this.scheduleOptions();
    } catch {
      // The connection dropped; the next welcome asks again.
    }
  }

  private update(change: Partial<Snapshot>): void {
    this.set({ ...this.state, ...change });
  }

  private set(next: Snapshot): void {
    this.state = next;
    for (const l of this.listeners) l(next);
  }
}
