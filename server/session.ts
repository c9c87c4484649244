/**
 * A live session: the authoritative state of one exercise, its durable log, and the clients
 * connected to it.
 *
 * A command is checked and applied at once against the newest state (`head`), then written
 * to the log; it is acknowledged, and its events and view changes are pushed, only once the
 * log write is durable (`committed`). Each command is appended at once, without waiting for
 * the appends in flight; the store makes them durable in order (its journal writes those of
 * every session together: group commit), and they commit in order. Clients therefore never
 * see a state a crash could take back.
 */
import {
  canonicalJson,
  createSession,
  hashState,
  step,
  stepValidated,
  viewFor,
  type Command,
  type CommandBody,
  type EngineEvent,
  type Role,
  type Scenario,
  type SessionState,
  type View,
} from '../engine/index.js';
import { EventTail, eventsJson, packEvents, type PackedEvents } from './event-tail.js';
import type { Durations } from './latency.js';
import type { Logger } from './log.js';
import { diff, patchesJson, type DiffMemo } from './patch.js';
import { CLOSE, errorFrame, PROTOCOL_VERSION, type ErrorCode, type Patch } from './protocol.js';
import {
  CorruptSessionError,
  type LogRecord,
  type SessionMeta,
  type SessionStore,
  type StoredSession,
} from './store.js';

/** A joined connection, as a session sees it. */
export interface Peer {
  readonly role: Role;
  /** The last event seq sent to this peer. */
  sentSeq: number;
  /** The seq of the view this peer holds. */
  viewSeq: number;
  /** Sends were suspended because the peer does not read fast enough. */
  lagging: boolean;
  send(frame: string): void;
  /** Bytes queued for this peer and not yet handed to the network. */
  buffered(): number;
  close(code: number, reason: string): void;
}

export interface SessionLimits {
  /** Events of at least this many recent commands are kept for catch-up; older ones are replayed. */
  readonly eventTail: number;
  /**
   * A state hash is logged every this many commands (checked on restart), at an offset of the
   * session's own (see {@link checkpointPhase}).
   */
  readonly checkpointEvery: number;
  /** A peer with more queued bytes than this stops receiving until it drains. */
  readonly highWaterBytes: number;
  /** ... and below this it catches up. */
  readonly lowWaterBytes: number;
  /** A peer with more queued bytes than this is disconnected. */
  readonly maxBufferedBytes: number;
  /** Most connections to one session. */
  readonly maxPeers: number;
  /**
   * A role that issued none of a batch's commands gets its frames at most this much later
   * (0: at once), with those of any batch committed meanwhile.
   */
  readonly pushDelayMs: number;
}

/** What a push sends the connections of one role: its frames, by seq (negative: with the patch). */
interface RoleChange {
  readonly patch: { readonly base: number; readonly patches: readonly Patch[] } | undefined;
  readonly frames: Map<number, string>;
}

interface Waiter {
  readonly peer: Peer;
  readonly id: string;
  readonly duplicate: boolean;
}

/** What a session works with, the same for every session of a hub. */
export interface SessionServices {
  readonly store: SessionStore;
  readonly limits: SessionLimits;
  readonly log: Logger;
  /** Each ack's time from its command's arrival (for `/healthz`). */
  readonly ackTimes?: Durations | undefined;
}

/** A command applied to `head`, on its way to the log. */
interface Entry {
  readonly seq: number;
  /** When the command arrived (performance.now()). */
  readonly arrived: number;
  readonly state: SessionState;
  readonly events: readonly EngineEvent[];
  readonly waiters: Waiter[];
}

const frame = (value: unknown): string => JSON.stringify(value);

/**
 * Where a session's checkpoints fall: the seqs that are `phase` short of a multiple of `every`,
 * the phase taken from the session id. Sessions played in step would otherwise all hash their
 * state at the same command: a hash costs a few ms (the factor history since the last one is
 * new to it), and 50 sessions at once stalled their thread for about 200 ms.
 */
export function checkpointPhase(id: string, every: number): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) >>> 0;
  return h % every;
}

/** `{"type":"event",…}` with the role's events, and the view patch when there is one. */
function eventFrameText(
  seq: number,
  events: PackedEvents,
  role: Role,
  view?: { base: number; patches: string },
): string {
  const tail = view === undefined ? '' : `,"view":{"base":${view.base},"patches":${view.patches}}`;
  return `{"type":"event","seq":${seq},"events":${eventsJson(events, role)}${tail}}`;
}

export class LiveSession {
  readonly id: string;
  readonly scenario: Scenario;
  meta: SessionMeta;
  /** Why the session stopped (its log could not be written), or null. */
  failed: string | null = null;
  readonly peers = new Set<Peer>();

  private head: SessionState;
  private committed: SessionState;
  /** Every applied command; `commands[seq - 1]`. */
  private readonly commands: Command[] = [];
  /** `<by> <client id>` → seq: what makes retries idempotent. */
  private readonly ids = new Map<string, number>();
  /** Events of the most recent committed commands. */
  private readonly tail: EventTail;
  /** The commands appended and not yet durable, oldest first. */
  private inflight: Entry[] = [];
  /** Settles once the newest append in flight has committed (or the session failed). */
  private committing: Promise<void> = Promise.resolve();
  /** Committed entries whose frames and acks are not sent yet (see `commit`). */
  private unpublished: Entry[] = [];
  private idleWaiters: (() => void)[] = [];
  /** The last view pushed to each role that has peers, and its seq. */
  private readonly roleViews = new Map<Role, { seq: number; view: View }>();
  private readonly laggards = new Set<Peer>();
  /** A push to the roles that did not act, due within `pushDelayMs`. */
  private pushTimer: NodeJS.Timeout | undefined;

  private readonly store: SessionStore;
  private readonly limits: SessionLimits;
  private readonly log: Logger;
  private readonly ackTimes: Durations | undefined;
  private readonly checkpointPhase: number;

  constructor(
    meta: SessionMeta,
    scenario: Scenario,
    services: SessionServices,
    state?: SessionState,
  ) {
    this.store = services.store;
    this.limits = services.limits;
    this.log = services.log;
    this.ackTimes = services.ackTimes;
    this.checkpointPhase = checkpointPhase(meta.id, this.limits.checkpointEvery);
    this.id = meta.id;
    this.meta = meta;
    this.scenario = scenario;
    this.head = state ?? createSession(scenario, meta.seed);
    this.committed = this.head;
    this.tail = new EventTail(this.limits.eventTail);
  }

  /**
   * Rebuilds a session from its stored log: every command is replayed through the engine and
   * every stored hash checked. Throws {@link CorruptSessionError} on any disagreement.
   */
  static restore(
    stored: StoredSession,
    scenario: Scenario,
    services: SessionServices,
  ): LiveSession {
    const { meta } = stored;
    const corrupt = (message: string): CorruptSessionError =>
      new CorruptSessionError(meta.id, message);
    const session = new LiveSession(meta, scenario, services);
    let state = session.head;
    // Only the last `eventTail` commands' events are kept (older ones are replayed on demand).
    const tailFrom = stored.records.length - services.limits.eventTail;
    for (const [i, rec] of stored.records.entries()) {
      const r = step(state, rec.command);
      if (!r.ok) {
        throw corrupt(
          `command ${rec.seq} is rejected on replay (${r.error.code}): ${r.error.message}`,
        );
      }
      state = r.state;
      if (state.seq !== rec.seq) throw corrupt(`replay reached seq ${state.seq}, not ${rec.seq}`);
      if (rec.stateHash !== undefined && hashState(state) !== rec.stateHash) {
        throw corrupt(`replay diverged at seq ${rec.seq}: the state hash differs from the log's`);
      }
      const command = rec.command as Command;
      session.commands.push(command);
      if (rec.id !== undefined) session.ids.set(`${command.by} ${rec.id}`, rec.seq);
      if (i >= tailFrom) session.tail.push(packEvents(r.events));
      else session.tail.skipTo(rec.seq);
    }
    if (stored.end) {
      if (stored.end.seq !== state.seq || stored.end.stateHash !== hashState(state)) {
        throw corrupt(`replay diverged: the end line's state hash differs`);
      }
    }
    session.head = state;
    session.committed = state;
    return session;
  }

  /** The durable state (what clients see). */
  get state(): SessionState {
    return this.committed;
  }

  /** True when the exercise has ended but its log lacks the end line (a crash cut it off). */
  needsEndRecord(stored: StoredSession): boolean {
    return this.committed.status === 'ended' && stored.end === undefined;
  }

  /** Writes the end line a crash cut off (the final command is durable, its end line was not). */
  async writeEndRecord(): Promise<void> {
    await this.store.append(this.id, [
      { end: { seq: this.committed.seq, stateHash: hashState(this.committed) } },
    ]);
  }

  // ------------------------------------------------------------------ peers

  /** A client joined with a valid token: welcome it, then send what it missed since lastSeq. */
  join(peer: Peer, lastSeq: number | undefined): void {
    if (this.failed) {
      peer.send(errorFrame(undefined, 'unavailable', `this session stopped: ${this.failed}`));
      peer.close(CLOSE.unavailable, 'session unavailable');
      return;
    }
    if (this.peers.size >= this.limits.maxPeers) {
      peer.send(errorFrame(undefined, 'sessionFull', 'too many connections to this session'));
      peer.close(CLOSE.tryLater, 'session full');
      return;
    }
    const seq = this.committed.seq;
    const team = peer.role.startsWith('team:') ? peer.role.slice(5) : undefined;
    peer.send(
      frame({
        type: 'welcome',
        protocol: PROTOCOL_VERSION,
        session: this.id,
        role: peer.role,
        ...(team === undefined ? {} : { team }),
        seq,
        view: this.viewOf(peer.role),
      }),
    );
    this.peers.add(peer);
    peer.viewSeq = seq;
    peer.sentSeq = seq;
    if (lastSeq !== undefined && lastSeq < seq) this.sendEvents(peer, lastSeq + 1, seq);
  }

  leave(peer: Peer): void {
    this.peers.delete(peer);
    this.laggards.delete(peer);
    for (const p of this.peers) if (p.role === peer.role) return;
    this.roleViews.delete(peer.role);
  }

  /** A full view, for a client whose view version has a gap. */
  sync(peer: Peer): void {
    if (peer.lagging) return; // it gets a full view when it catches up
    this.sendView(peer);
  }

  /** Closes every connection of a role (its token was revoked). */
  closeRole(role: Role, reason: string, except?: Peer): void {
    for (const p of [...this.peers]) {
      if (p.role === role && p !== except) {
        this.leave(p);
        p.close(CLOSE.unauthorized, reason);
      }
    }
  }

  // ------------------------------------------------------------------ commands

  /**
   * A command from a peer, its body validated by the frame schema; answered by ack (once
   * durable) or error.
   */
  submit(peer: Peer, id: string, body: CommandBody): void {
    const fail = (code: ErrorCode, message: string): void =>
      peer.send(errorFrame(id, code, message));
    if (this.failed) return fail('unavailable', `this session stopped: ${this.failed}`);
    if (peer.role === 'observer') return fail('forbidden', 'observers watch; they do not act');
    // Not `{ ...body, by }`: that gave every command kept in `commands` its own hidden class.
    const command = Object.assign({}, body, { by: peer.role }) as Command;
    const key = `${peer.role} ${id}`;
    const seen = this.ids.get(key);
    if (seen !== undefined) {
      const prior = this.commands[seen - 1];
      if (canonicalJson(prior) !== canonicalJson(command)) {
        return fail('duplicateId', `command id '${id}' was already used for another command`);
      }
      if (seen <= this.committed.seq) {
        peer.send(frame({ type: 'ack', id, seq: seen, duplicate: true }));
      } else {
        const entry = this.inflight.find((e) => e.seq === seen);
        entry?.waiters.push({ peer, id, duplicate: true });
      }
      return;
    }
    // The frame schema has validated the body (it embeds the engine's command schema).
    const r = stepValidated(this.head, command);
    if (!r.ok) return fail(r.error.code, r.error.message);
    const state = r.state;
    this.head = state;
    this.commands.push(command);
    this.ids.set(key, state.seq);
    const record: LogRecord =
      (state.seq + this.checkpointPhase) % this.limits.checkpointEvery === 0
        ? { seq: state.seq, command, id, stateHash: hashState(state) }
        : { seq: state.seq, command, id };
    const records: LogRecord[] =
      state.status === 'ended'
        ? [record, { end: { seq: state.seq, stateHash: hashState(state) } }]
        : [record];
    this.append(records, {
      seq: state.seq,
      arrived: performance.now(),
      state,
      events: r.events,
      waiters: [{ peer, id, duplicate: false }],
    });
  }

  /**
   * Appends a command at once, without waiting for the appends in flight: the store makes
   * them durable in order, and each commits after the one before it. Not gathered per turn
   * here: the journal writes every append of a turn together anyway, in that turn (a turn of
   * gathering here put off the write by one more turn of the event loop, and after a stall
   * that turn is long), and the commits of one write are published together (`commit`).
   */
  private append(records: readonly LogRecord[], entry: Entry): void {
    this.inflight.push(entry);
    const durable = this.store.append(this.id, records);
    this.committing = Promise.all([durable, this.committing]).then(
      () => {
        if (this.failed) return;
        this.inflight.shift();
        this.commit(entry);
      },
      (err: unknown) => {
        if (!this.failed) this.fail(err);
      },
    );
  }

  private settleIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Applied commands not acknowledged yet: in flight, or durable but not sent. */
  private get pending(): boolean {
    return this.inflight.length + this.unpublished.length > 0;
  }

  /** Resolves when every applied command is durable and acknowledged (or the session failed). */
  whenIdle(): Promise<void> {
    if (!this.pending || this.failed) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private fail(err: unknown): void {
    this.publish(); // what is durable is acknowledged first
    const message = err instanceof Error ? err.message : String(err);
    this.failed = `its log could not be written (${message})`;
    this.log.error('session failed: its log could not be written', {
      session: this.id,
      err: err instanceof Error ? err : String(err),
    });
    for (const e of this.inflight) {
      for (const w of e.waiters) {
        w.peer.send(errorFrame(w.id, 'unavailable', `not applied: ${this.failed}`));
      }
    }
    this.inflight = [];
    clearTimeout(this.pushTimer);
    this.pushTimer = undefined;
    for (const p of [...this.peers]) {
      this.leave(p);
      p.close(CLOSE.unavailable, 'session unavailable');
    }
    this.settleIdle();
  }

  // ------------------------------------------------------------------ pushing

  /** The entry is durable: its state is the one clients see from now on. */
  private commit(entry: Entry): void {
    this.committed = entry.state;
    this.tail.push(packEvents(entry.events));
    // Several commands of this session often become durable in one journal write: they are
    // published together once their commits have run (after the promise jobs of this turn),
    // with one view diff per role.
    if (this.unpublished.length === 0) process.nextTick(() => this.publish());
    this.unpublished.push(entry);
  }

  /**
   * The roles that issued the committed entries get everything they have not seen, then their
   * acks, at once. The other roles get theirs within `pushDelayMs`, together with whatever
   * else commits meanwhile: one write per connection for several commands, and one view diff
   * per role.
   */
  private publish(): void {
    const entries = this.unpublished;
    if (entries.length === 0) return;
    this.unpublished = [];
    const delay = this.limits.pushDelayMs;
    let roles: Set<Role> | undefined;
    if (delay > 0 && this.committed.status !== 'ended') {
      roles = new Set();
      for (const e of entries) for (const w of e.waiters) roles.add(w.peer.role);
    }
    this.push(roles);
    for (const e of entries) {
      for (const w of e.waiters) {
        if (this.peers.has(w.peer)) {
          w.peer.send(
            frame(
              w.duplicate
                ? { type: 'ack', id: w.id, seq: e.seq, duplicate: true }
                : { type: 'ack', id: w.id, seq: e.seq },
            ),
          );
        }
      }
    }
    if (this.ackTimes) {
      const now = performance.now();
      for (const e of entries) this.ackTimes.record(now - e.arrived);
    }
    if (roles !== undefined && this.pushTimer === undefined) {
      for (const p of this.peers) {
        if (!p.lagging && p.sentSeq < this.committed.seq) {
          this.pushTimer = setTimeout(() => this.pushAll(), delay);
          this.pushTimer.unref();
          break;
        }
      }
    }
    if (!this.pending) this.settleIdle();
  }

  /** Every connection gets what it has not seen. */
  private pushAll(): void {
    clearTimeout(this.pushTimer);
    this.pushTimer = undefined;
    this.push(undefined);
  }

  /**
   * Brings the connections of these roles (all when undefined) up to the committed state:
   * an event frame for each command they have not seen, the last with the view patch.
   */
  private push(roles: ReadonlySet<Role> | undefined): void {
    const seq = this.committed.seq;
    // This push's only, dropped with it: the diffs of shared parts, and their values' JSON.
    const memo: DiffMemo = new Map();
    const texts = new Map<object, string>();
    const changes = new Map<Role, RoleChange>();
    for (const peer of this.peers) {
      if (peer.lagging || (roles !== undefined && !roles.has(peer.role))) continue;
      if (peer.sentSeq >= seq && peer.viewSeq >= seq) continue;
      const queued = peer.buffered();
      if (queued > this.limits.maxBufferedBytes) {
        this.drop(peer);
        continue;
      }
      if (queued > this.limits.highWaterBytes) {
        peer.lagging = true;
        this.laggards.add(peer);
        continue;
      }
      let change = changes.get(peer.role);
      if (!change) {
        change = this.roleChange(peer.role, memo);
        changes.set(peer.role, change);
      }
      const patched = change.patch !== undefined && peer.viewSeq === change.patch.base;
      if (peer.sentSeq + 1 < this.tail.start) {
        this.sendEvents(peer, peer.sentSeq + 1, seq); // older than the tail: replayed
      } else {
        for (let s = peer.sentSeq + 1; s <= seq; s++) {
          const withPatch = patched && s === seq;
          const key = withPatch ? -s : s;
          let text = change.frames.get(key);
          if (text === undefined) {
            const events = this.tail.get(s) ?? '';
            const view =
              withPatch && change.patch
                ? { base: change.patch.base, patches: patchesJson(change.patch.patches, texts) }
                : undefined;
            text = eventFrameText(s, events, peer.role, view);
            change.frames.set(key, text);
          }
          peer.send(text);
        }
      }
      peer.sentSeq = seq;
      if (patched) peer.viewSeq = seq;
      else if (peer.viewSeq !== seq) this.sendView(peer);
    }
  }

  /** A role's view now, and the patch from the last one it was sent (when there was one). */
  private roleChange(role: Role, memo: DiffMemo): RoleChange {
    const seq = this.committed.seq;
    const before = this.roleViews.get(role);
    if (before?.seq === seq) return { patch: undefined, frames: new Map() };
    const after = viewFor(this.committed, role);
    this.roleViews.set(role, { seq, view: after });
    return {
      patch: before ? { base: before.seq, patches: diff(before.view, after, memo) } : undefined,
      frames: new Map(),
    };
  }

  /** The role's view of the committed state (cached while the role has peers). */
  private viewOf(role: Role): View {
    const cached = this.roleViews.get(role);
    if (cached && cached.seq === this.committed.seq) return cached.view;
    const view = viewFor(this.committed, role);
    this.roleViews.set(role, { seq: this.committed.seq, view });
    return view;
  }

  private sendView(peer: Peer): void {
    const seq = this.committed.seq;
    peer.send(frame({ type: 'view', seq, view: this.viewOf(peer.role) }));
    peer.viewSeq = seq;
  }

  /** Event frames for seqs from..to (inclusive), from the tail or regenerated by replay. */
  private sendEvents(peer: Peer, from: number, to: number): void {
    if (from > to) return;
    if (from >= this.tail.start) {
      for (let seq = from; seq <= to; seq++) {
        peer.send(eventFrameText(seq, this.tail.get(seq) ?? '', peer.role));
      }
      return;
    }
    // Older than the tail: the engine is deterministic, so replaying the log regenerates them.
    let state = createSession(this.scenario, this.meta.seed);
    for (let seq = 1; seq <= to; seq++) {
      const r = stepValidated(state, this.commands[seq - 1] as Command);
      if (!r.ok) throw new Error(`replay of session ${this.id} failed at seq ${seq}`);
      state = r.state;
      if (seq >= from) peer.send(eventFrameText(seq, packEvents(r.events), peer.role));
    }
  }

  // ------------------------------------------------------------------ backpressure

  /** True while some peer is lagging. */
  get hasLaggards(): boolean {
    return this.laggards.size > 0;
  }

  /** Lagging peers that drained catch up (missed events, then a full view); hopeless ones go. */
  catchUpLaggards(): void {
    for (const peer of [...this.laggards]) {
      const queued = peer.buffered();
      if (queued > this.limits.maxBufferedBytes) {
        this.drop(peer);
      } else if (queued <= this.limits.lowWaterBytes) {
        this.laggards.delete(peer);
        peer.lagging = false;
        this.sendEvents(peer, peer.sentSeq + 1, this.committed.seq);
        peer.sentSeq = this.committed.seq;
        this.sendView(peer);
      }
    }
  }

  private drop(peer: Peer): void {
    this.log.warn('connection dropped: it does not read fast enough', {
      session: this.id,
      role: peer.role,
      buffered: peer.buffered(),
    });
    this.leave(peer);
    peer.close(CLOSE.tooSlow, 'too slow: reconnect with lastSeq');
  }

  /** Shutdown: waits for pending writes, then closes every connection. */
  async close(code: number, reason: string): Promise<void> {
    await this.whenIdle();
    if (!this.failed) this.pushAll();
    for (const p of [...this.peers]) {
      this.leave(p);
      p.close(code, reason);
    }
  }
}
