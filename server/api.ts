/**
 * The HTTP API's operations on sessions, on the session thread: what the routes of
 * server/server.ts ask once they have read the request. Failures are ApiErrors (an HTTP
 * status, a code and a message).
 */
import type { SessionState } from '../engine/index.js';
import { endedRecord, logText, reportText } from './after-action.js';
import { ApiError, badRequest, parseJson } from './api-error.js';
import type { Hub } from './hub.js';
import type { GcPauses, GcSummary, LatencyMeter, LatencySummary, LoopDelay } from './latency.js';
import { RevokeRequest } from './protocol.js';
import type { LiveSession } from './session.js';
import type { SessionStore } from './store.js';
import type { ApiCall } from './thread-messages.js';

/** What the session thread measures of itself (server/latency.ts). */
export interface ThreadLatency {
  readonly loop: LoopDelay;
  readonly gc: GcPauses;
  readonly journal: LatencyMeter;
  /** From a command's arrival on this thread to its ack. */
  readonly acks: LatencyMeter;
}

/** The session thread's part of `/healthz` (the main thread adds its own). */
export interface HubHealth {
  readonly sessions: number;
  readonly quarantined: number;
  readonly heapUsed: number;
  readonly loopDelay: LatencySummary;
  readonly loopBusy: number;
  readonly gc: GcSummary;
  readonly journalWrites: LatencySummary;
  readonly acks: LatencySummary;
}

export class Api {
  constructor(
    private readonly hub: Hub,
    private readonly store: SessionStore,
    private readonly latency: ThreadLatency,
  ) {}

  async call(c: ApiCall): Promise<unknown> {
    switch (c.op) {
      case 'health': {
        const gc = (globalThis as { gc?: () => void }).gc;
        if (c.gc && gc) gc(); // only when node runs with --expose-gc
        const { loop, gc: pauses, journal, acks } = this.latency;
        const health: HubHealth = {
          sessions: this.hub.sessions.size,
          quarantined: this.hub.quarantined.size,
          heapUsed: process.memoryUsage().heapUsed,
          loopDelay: loop.summary(),
          loopBusy: loop.busy(),
          gc: pauses.summary(),
          journalWrites: journal.summary(),
          acks: acks.summary(),
        };
        if (c.reset) for (const meter of [loop, pauses, journal, acks]) meter.reset();
        return health;
      }
      case 'scenarios':
        return [...(await this.hub.bundled()).values()].map(
          ({ id, title, period, teams, scenario }) => ({
            id,
            title,
            ...(period === undefined ? {} : { period }),
            briefing: scenario.briefing,
            maxTurns: scenario.clock.maxTurns,
            teams,
          }),
        );
      case 'create':
        return this.hub.create(c.request, c.ws);
      case 'status': {
        const { session, role } = this.authorize(c.session, c.token);
        const s = session.state;
        return {
          session: session.id,
          scenario: { id: session.scenario.id, title: session.scenario.title },
          role,
          seq: s.seq,
          turn: s.turn,
          status: s.status,
          outcome: s.outcome,
          ...(role === 'facilitator' ? { seed: session.meta.seed } : {}),
          connections: session.peers.size,
        };
      }
      case 'revoke': {
        const { session, role } = this.authorize(c.session, c.token);
        if (role !== 'facilitator') {
          throw new ApiError(403, 'forbidden', 'only the facilitator revokes tokens');
        }
        const parsed = RevokeRequest.safeParse(parseJson(c.body));
        if (!parsed.success) throw badRequest(parsed.error.issues);
        const { role: revoked, reissue } = parsed.data;
        const r = await this.hub.revoke(session, revoked, reissue ?? false);
        return { role: revoked, ...r };
      }
      case 'log': {
        const session = this.ended(c.session, c.token);
        const stored = await endedRecord(session, this.store);
        return { text: logText(stored), name: fileName(session) };
      }
      case 'report': {
        const session = this.ended(c.session, c.token);
        const stored = await endedRecord(session, this.store);
        const text = await reportText(session, stored, c.format, c.futures);
        return { text, name: fileName(session) };
      }
      case 'state':
        return this.hub.sessions.get(c.session)?.state satisfies SessionState | undefined;
    }
  }

  /** The session and the role of a token of it (404 without the session, 401 without the token). */
  private authorize(id: string, token: string | undefined): { session: LiveSession; role: string } {
    const session = this.hub.sessions.get(id);
    if (!session) throw new ApiError(404, 'unknownSession', 'no such session');
    const who = token === undefined ? undefined : this.hub.authenticate(token);
    if (!who || who.session !== session) {
      throw new ApiError(
        401,
        'unauthorized',
        'a token of this session is required (Authorization: Bearer …, or ?token= in a link)',
      );
    }
    return { session, role: who.role };
  }

  /** An ended session, for its facilitator. */
  private ended(id: string, token: string | undefined): LiveSession {
    const { session, role } = this.authorize(id, token);
    if (role !== 'facilitator') {
      throw new ApiError(403, 'forbidden', 'only the facilitator downloads the log and report');
    }
    if (session.state.status !== 'ended') {
      throw new ApiError(
        409,
        'notEnded',
        'the exercise is still running: its log and report are ready once it has ended',
      );
    }
    return session;
  }
}

const fileName = (session: LiveSession): string => `ttx-${session.scenario.id}-${session.id}`;
