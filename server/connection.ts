/**
 * One WebSocket connection, on the main thread: limits first (frame size, rate, bad frames),
 * then parsing and validation; valid frames go to the session thread (server/hub-link.ts),
 * which answers with the frames to send. Nothing a client sends reaches the engine
 * unvalidated, and the issuer of a command is always the token's role (the session thread
 * knows it from the hello), never anything the client says.
 */
import type { WebSocket } from 'ws';
import type { Role } from '../engine/index.js';
import type { HubLink, LinkedConnection } from './hub-link.js';
import type { Limits } from './limits.js';
import type { Logger } from './log.js';
import { CLOSE, ClientCommandId, ClientFrame, errorFrame, type ErrorCode } from './protocol.js';
import type { Outbound } from './thread-messages.js';

export class Connection implements LinkedConnection {
  /** The role joined as (for the logs), once the session thread welcomed it. */
  role: Role | undefined;
  /** Answered the last ping. */
  alive = true;
  private readonly id: number;
  /** A hello went to the session thread: later frames go there too. */
  private helloSent = false;
  /** Closing for abuse, once the frames already accepted are answered: read nothing more. */
  private closing = false;
  private closed = false;
  private tokens: number;
  private lastRefill: number;
  private strikes = 0;
  private badFrames = 0;
  private readonly helloTimer: NodeJS.Timeout;

  constructor(
    private readonly ws: WebSocket,
    private readonly link: HubLink,
    private readonly limits: Limits,
    private readonly log: Logger,
    private readonly onClose: (c: Connection) => void,
  ) {
    this.id = link.connect(this);
    this.tokens = limits.rateBurst;
    this.lastRefill = performance.now();
    this.helloTimer = setTimeout(() => {
      if (!this.helloSent) this.close(CLOSE.helloTimeout, 'no hello in time');
    }, limits.helloTimeoutMs);
    ws.on('message', (data, isBinary) => {
      this.receive(data, isBinary);
    });
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('close', () => this.cleanup());
    ws.on('error', (err) => {
      this.log.debug('connection error', { err });
    });
  }

  // ------------------------------------------------------------------ from the session thread

  deliver(message: Buffer | undefined, out: Omit<Outbound, 'frames'>): void {
    if (this.closed) return;
    if (out.role !== undefined) this.role = out.role;
    if (message) this.ws.send(message, { binary: false }); // UTF-8 text already
    if (out.close) this.close(out.close.code, out.close.reason);
  }

  buffered(): number {
    return this.ws.bufferedAmount;
  }

  private send(text: string): void {
    if (!this.closed) this.ws.send(text);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, reason);
    this.cleanup();
  }

  /** Closes for abuse, after the answers to the frames already accepted (they are not lost). */
  private closeAfterReplies(code: number, reason: string): void {
    if (!this.helloSent) return this.close(code, reason);
    this.closing = true;
    this.link.closeAfterReplies(this.id, code, reason);
  }

  /** Drops a peer that stopped answering pings. */
  terminate(): void {
    this.closed = true;
    this.ws.terminate();
    this.cleanup();
  }

  ping(): void {
    this.alive = false;
    this.ws.ping();
  }

  private cleanup(): void {
    this.closed = true;
    clearTimeout(this.helloTimer);
    this.link.disconnect(this.id);
    this.onClose(this);
  }

  // ------------------------------------------------------------------ frames

  private receive(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (this.closed || this.closing) return;
    const bytes = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data);
    if (!this.takeToken(bytes, isBinary)) return;
    if (isBinary) return this.bad(undefined, 'badFrame', 'frames are JSON text, not binary');
    if (bytes.length > this.limits.maxFrameBytes) {
      return this.bad(
        undefined,
        'tooLarge',
        `a frame is at most ${this.limits.maxFrameBytes} bytes`,
      );
    }
    let raw: unknown;
    try {
      raw = JSON.parse(bytes.toString('utf8'));
    } catch {
      return this.bad(undefined, 'badJson', 'a frame is one JSON object');
    }
    const parsed = ClientFrame.safeParse(raw);
    if (!parsed.success) return this.invalid(raw, parsed.error.issues);
    const f = parsed.data;
    if (f.type === 'hello') {
      if (this.helloSent) {
        return this.bad(undefined, 'alreadyJoined', 'this connection has joined already');
      }
      this.helloSent = true;
      clearTimeout(this.helloTimer);
    } else if (!this.helloSent) {
      return this.bad(f.type === 'command' ? f.id : undefined, 'notJoined', 'say hello first');
    }
    this.link.frame(this.id, f);
  }

  /** Token bucket: false (and an error, or a close for abuse) when over the rate. */
  private takeToken(bytes: Buffer, isBinary: boolean): boolean {
    const now = performance.now();
    const { ratePerSecond, rateBurst } = this.limits;
    this.tokens = Math.min(
      rateBurst,
      this.tokens + ((now - this.lastRefill) / 1000) * ratePerSecond,
    );
    this.lastRefill = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      if (this.tokens >= rateBurst / 2) this.strikes = 0;
      return true;
    }
    this.strikes++;
    if (this.strikes > this.limits.rateStrikes) {
      this.log.warn('connection closed: over the rate limit', { role: this.role });
      this.closeAfterReplies(CLOSE.policy, 'rate limit exceeded');
    } else {
      // Name the command, so that its sender knows to send it again later.
      this.send(
        errorFrame(
          isBinary ? undefined : idOf(bytes, this.limits.maxFrameBytes),
          'rateLimited',
          `at most ${ratePerSecond} frames a second`,
        ),
      );
    }
    return false;
  }

  /** A refused frame: an error reply; too many of them close the connection. */
  private bad(id: string | undefined, code: ErrorCode, message: string): void {
    this.send(errorFrame(id, code, message));
    if (++this.badFrames > this.limits.maxBadFrames) {
      this.log.warn('connection closed: too many bad frames', { role: this.role });
      this.closeAfterReplies(CLOSE.policy, 'too many bad frames');
    }
  }

  private invalid(
    raw: unknown,
    issues: readonly { path: PropertyKey[]; message: string; code: string }[],
  ): void {
    const obj =
      typeof raw === 'object' && raw !== null && !Array.isArray(raw)
        ? (raw as Record<string, unknown>)
        : undefined;
    const id = ClientCommandId.safeParse(obj?.['id']);
    const type = obj?.['type'];
    if (!obj) return this.bad(undefined, 'badFrame', 'a frame is a JSON object with a type');
    if (
      typeof type !== 'string' ||
      !['hello', 'command', 'sync', 'revoke', 'options'].includes(type)
    ) {
      return this.bad(
        undefined,
        'badFrame',
        `unknown frame type ${JSON.stringify(type)?.slice(0, 40) ?? 'undefined'}`,
      );
    }
    const command = obj['command'];
    if (
      type === 'command' &&
      typeof command === 'object' &&
      command !== null &&
      Object.hasOwn(command, 'by')
    ) {
      return this.bad(
        id.success ? id.data : undefined,
        'malformed',
        "leave 'by' out: the server sets the issuer from your token",
      );
    }
    const first = issues[0];
    const where = first && first.path.length ? `${first.path.map(String).join('.')}: ` : '';
    const inCommand = first?.path[0] === 'command';
    this.bad(
      id.success ? id.data : undefined,
      inCommand ? 'malformed' : 'badFrame',
      `${where}${first?.message ?? 'invalid frame'}`.slice(0, 300),
    );
  }
}

/** The command id of a frame, if it is small, JSON and carries a valid one. */
function idOf(bytes: Buffer, max: number): string | undefined {
  if (bytes.length > max) return undefined;
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    const id = ClientCommandId.safeParse(
      typeof v === 'object' && v !== null ? (v as Record<string, unknown>)['id'] : undefined,
    );
    return id.success ? id.data : undefined;
  } catch {
    return undefined;
  }
}
