/**
 * The connections as the session thread sees them: a {@link Peer} per joined connection, whose
 * frames are gathered and posted to the main thread once per task (a message handled, or a
 * journal write made durable and its commits published), or every 16 connections (each
 * connection's share then goes out in one write), and the handling of the frames the main
 * thread has validated: hello, commands, sync, revoke, options.
 *
 * The issuer of a command is always the role of the connection's token, never anything the
 * client says.
 */
import { legalCommands, type Role } from '../engine/index.js';
import type { Hub } from './hub.js';
import { CLOSE, errorFrame, PROTOCOL_VERSION, type ClientFrame } from './protocol.js';
import type { LiveSession, Peer } from './session.js';
import type { Inbound, Outbound, OutboundBatch } from './thread-messages.js';

/** Connections per message to the main thread, at most. */
const OUT_BATCH = 16;

class RemotePeer implements Peer {
  sentSeq = 0;
  viewSeq = 0;
  lagging = false;
  /** Bytes the main thread last reported queued for this connection. */
  queued = 0;
  closed = false;

  constructor(
    readonly conn: number,
    readonly role: Role,
    readonly session: LiveSession,
    private readonly peers: RemotePeers,
  ) {}

  send(frame: string): void {
    if (!this.closed) this.peers.outbound(this.conn).frames.push(frame);
  }

  buffered(): number {
    return this.queued;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.peers.outbound(this.conn).close = { code, reason };
    this.peers.forget(this.conn);
  }
}

export class RemotePeers {
  private readonly joined = new Map<number, RemotePeer>();
  private out = new Map<number, Outbound>();
  private scheduled = false;

  constructor(
    private readonly hub: Hub,
    /** Posts a batch of outbound frames to the main thread (`bytes` is to be transferred). */
    private readonly post: (batch: OutboundBatch) => void,
  ) {}

  /** This turn's outbound share of a connection. */
  outbound(conn: number): Outbound {
    let o = this.out.get(conn);
    if (!o) {
      // A batch of many sessions' commits goes out in parts, so that the main thread writes
      // the first while this thread builds the rest.
      if (this.out.size >= OUT_BATCH) this.flush();
      o = { conn, frames: [] };
      this.out.set(conn, o);
      if (!this.scheduled) {
        this.scheduled = true;
        // Once the task that made this frame is done (its microtasks, and the pushes they
        // scheduled, included): every frame of it in one message, sent in this turn of the
        // event loop rather than after the next one's input.
        process.nextTick(() => this.flush());
      }
    }
    return o;
  }

  /**
   * Posts what is waiting now (before shutting down, say): each connection's frames in one
   * message, an array when there are several (protocol 2). A command's events and ack, or a
   * catch-up, are one message, framed and parsed once: at 5,000 actions/s (bench:server,
   * staggered) the main thread went from 33–35 % of a core to 30–32 %, and the load
   * generator from 35–37 % to 31–34 %.
   */
  flush(): void {
    this.scheduled = false;
    if (this.out.size === 0) return;
    const items = [...this.out.values()];
    this.out = new Map();
    const lengths = items.map(({ frames }) => {
      let n = frames.length > 1 ? frames.length + 1 : 0; // [ , , ]
      for (const f of frames) n += Buffer.byteLength(f, 'utf8');
      return n;
    });
    const total = lengths.reduce((a, b) => a + b, 0);
    const bytes = Buffer.allocUnsafeSlow(total); // its own ArrayBuffer, to transfer
    let at = 0;
    for (const { frames } of items) {
      if (frames.length === 1) at += bytes.write(frames[0] as string, at, 'utf8');
      else if (frames.length > 1) {
        bytes[at++] = 0x5b; // [
        for (const [i, f] of frames.entries()) {
          if (i > 0) bytes[at++] = 0x2c; // ,
          at += bytes.write(f, at, 'utf8');
        }
        bytes[at++] = 0x5d; // ]
      }
    }
    this.post({
      conns: items.map(({ conn, role, close }) => ({
        conn,
        ...(role === undefined ? {} : { role }),
        ...(close === undefined ? {} : { close }),
      })),
      lengths,
      bytes,
    });
  }

  forget(conn: number): void {
    const peer = this.joined.get(conn);
    if (!peer) return;
    this.joined.delete(conn);
    peer.session.leave(peer);
  }

  /** Backlogs reported by the main thread; lagging peers that drained catch up. */
  setBuffered(conns: readonly (readonly [number, number])[]): void {
    const sessions = new Set<LiveSession>();
    for (const [conn, bytes] of conns) {
      const peer = this.joined.get(conn);
      if (!peer) continue;
      peer.queued = bytes;
      if (peer.lagging) sessions.add(peer.session);
    }
    for (const s of sessions) s.catchUpLaggards();
  }

  receive(items: readonly Inbound[]): void {
    for (const item of items) {
      if ('frame' in item) this.frame(item.conn, item.frame);
      else {
        if ('close' in item) this.outbound(item.conn).close = item.close;
        this.forget(item.conn);
      }
    }
  }

  private frame(conn: number, f: ClientFrame): void {
    if (f.type === 'hello') return this.hello(conn, f.protocol, f.token, f.lastSeq);
    const peer = this.joined.get(conn);
    if (!peer) {
      // The main thread refuses frames before hello: this one's hello was refused meanwhile.
      const id = f.type === 'command' ? f.id : undefined;
      this.outbound(conn).frames.push(errorFrame(id, 'notJoined', 'say hello first'));
      return;
    }
    switch (f.type) {
      case 'command':
        return peer.session.submit(peer, f.id, f.command);
      case 'sync':
        return peer.session.sync(peer);
      case 'revoke':
        return this.revoke(peer, f.role, f.reissue ?? false);
      case 'options':
        return this.options(peer);
    }
  }

  private hello(conn: number, protocol: number, token: string, lastSeq: number | undefined): void {
    const out = this.outbound(conn);
    if (protocol !== PROTOCOL_VERSION) {
      out.frames.push(
        errorFrame(
          undefined,
          'unsupportedProtocol',
          `this server speaks protocol ${PROTOCOL_VERSION}`,
        ),
      );
      out.close = { code: CLOSE.unsupportedProtocol, reason: 'unsupported protocol' };
      return;
    }
    const found = this.hub.authenticate(token);
    if (!found) {
      out.frames.push(errorFrame(undefined, 'unauthorized', 'unknown or revoked token'));
      out.close = { code: CLOSE.unauthorized, reason: 'unauthorized' };
      return;
    }
    const peer = new RemotePeer(conn, found.role, found.session, this);
    found.session.join(peer, lastSeq);
    if (found.session.peers.has(peer)) {
      this.joined.set(conn, peer);
      out.role = found.role;
    }
  }

  /**
   * The commands this role may issue at the committed state. Computed only when a client asks
   * (a user interface, after the events of a command), never pushed: listing them for every
   * role on every command would cost each command far more than the command itself.
   */
  private options(peer: RemotePeer): void {
    const state = peer.session.state;
    const commands = peer.role === 'observer' ? [] : legalCommands(state, peer.role);
    peer.send(JSON.stringify({ type: 'options', seq: state.seq, commands }));
  }

  private revoke(peer: RemotePeer, role: string, reissue: boolean): void {
    if (peer.role !== 'facilitator') {
      peer.send(errorFrame(undefined, 'forbidden', 'only the facilitator revokes tokens'));
      return;
    }
    this.hub.revoke(peer.session, role, reissue, peer).then(
      (r) => peer.send(JSON.stringify({ type: 'revoked', role, ...r })),
      (err: unknown) =>
        peer.send(
          errorFrame(undefined, 'badRequest', err instanceof Error ? err.message : String(err)),
        ),
    );
  }
}
