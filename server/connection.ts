/**
 * One WebSocket connection: limits first (frame size, rate, bad frames), then parsing and
 * validation, then the session. Nothing a client sends reaches the engine unvalidated, and
 * the issuer of a command is always the token's role, never anything the client says.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { legalCommands, type Role } from '../engine/index.js';
import type { Hub } from './hub.js';
import type { Limits } from './limits.js';
import type { Logger } from './log.js';
import {
  CLOSE,
  ClientCommandId,
  ClientFrame,
  PROTOCOL_VERSION,
  type ErrorCode,
} from './protocol.js';
import { errorFrame, type LiveSession, type Peer } from './session.js';

export class Connection implements Peer {
  role: Role = 'observer';
  tokenHash = '';
  sentSeq = 0;
  viewSeq = 0;
  lagging = false;
  /** Answered the last ping. */
  alive = true;
  private session: LiveSession | undefined;
  private closed = false;
  private tokens: number;
  private lastRefill: number;
  private strikes = 0;
  private badFrames = 0;
  private readonly helloTimer: NodeJS.Timeout;

  constructor(
    private readonly ws: WebSocket,
    private readonly hub: Hub,
    private readonly limits: Limits,
    private readonly log: Logger,
    private readonly onClose: (c: Connection) => void,
  ) {
    this.tokens = limits.rateBurst;
    this.lastRefill = performance.now();
    this.helloTimer = setTimeout(() => {
      if (!this.session) this.close(CLOSE.helloTimeout, 'no hello in time');
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

  // ------------------------------------------------------------------ Peer

  send(text: string): void {
    if (this.closed) return;
    this.ws.send(text);
  }

  buffered(): number {
    return this.ws.bufferedAmount;
  }

  cork(): void {
    this.socket()?.cork();
  }

  uncork(): void {
    this.socket()?.uncork();
  }

  /** ws keeps its TCP socket private; corking it batches a commit's frames in one write. */
  private socket(): Socket | undefined {
    return (this.ws as unknown as { _socket?: Socket })._socket;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, reason);
    this.cleanup();
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
    if (this.session) {
      this.session.leave(this);
      this.session = undefined;
    }
    this.onClose(this);
  }

  // ------------------------------------------------------------------ frames

  private receive(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (this.closed) return;
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
    switch (f.type) {
      case 'hello':
        return this.hello(f.protocol, f.token, f.lastSeq);
      case 'command':
        if (!this.session) return this.bad(f.id, 'notJoined', 'say hello first');
        return this.session.submit(this, f.id, f.command);
      case 'sync':
        if (!this.session) return this.bad(undefined, 'notJoined', 'say hello first');
        return this.session.sync(this);
      case 'revoke':
        return this.revoke(f.role, f.reissue ?? false);
      case 'options':
        return this.options();
    }
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
      this.close(CLOSE.policy, 'rate limit exceeded');
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
      this.close(CLOSE.policy, 'too many bad frames');
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

  private hello(protocol: number, token: string, lastSeq: number | undefined): void {
    if (this.session)
      return this.bad(undefined, 'alreadyJoined', 'this connection has joined already');
    if (protocol !== PROTOCOL_VERSION) {
      this.send(
        errorFrame(
          undefined,
          'unsupportedProtocol',
          `this server speaks protocol ${PROTOCOL_VERSION}`,
        ),
      );
      return this.close(CLOSE.unsupportedProtocol, 'unsupported protocol');
    }
    const found = this.hub.authenticate(token);
    if (!found) {
      this.send(errorFrame(undefined, 'unauthorized', 'unknown or revoked token'));
      return this.close(CLOSE.unauthorized, 'unauthorized');
    }
    clearTimeout(this.helloTimer);
    this.role = found.role;
    this.tokenHash = found.tokenHash;
    this.session = found.session;
    found.session.join(this, lastSeq);
    if (!found.session.peers.has(this)) this.session = undefined;
  }

  /**
   * The commands this role may issue at the committed state. Computed only when a client asks
   * (a user interface, after the events of a command), never pushed: listing them for every
   * role on every command would cost each command far more than the command itself.
   */
  private options(): void {
    const session = this.session;
    if (!session) return this.bad(undefined, 'notJoined', 'say hello first');
    const state = session.state;
    const role = this.role;
    const commands = role === 'observer' ? [] : legalCommands(state, role);
    this.send(JSON.stringify({ type: 'options', seq: state.seq, commands }));
  }

  private revoke(role: string, reissue: boolean): void {
    const session = this.session;
    if (!session) return this.bad(undefined, 'notJoined', 'say hello first');
    if (this.role !== 'facilitator') {
      return this.bad(undefined, 'forbidden', 'only the facilitator revokes tokens');
    }
    this.hub.revoke(session, role, reissue, this).then(
      (r) => this.send(JSON.stringify({ type: 'revoked', role, ...r })),
      (err: unknown) =>
        this.send(
          errorFrame(undefined, 'badRequest', err instanceof Error ? err.message : String(err)),
        ),
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
