/**
 * The sessions of one server: creation, join tokens, revocation, and recovery on start.
 *
 * Tokens are 256-bit random strings; only their sha256 is kept (in memory and in the meta
 * file), so the data directory does not hold usable credentials. A token names one role in
 * one session.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ENGINE_VERSION, type Role, type Scenario } from '../engine/index.js';
import { logHeader } from '../src/log/command-log.js';
import { bundledScenarioFiles } from '../src/scenario/bundled.js';
import {
  contentHash,
  formatIssue,
  parseScenarioText,
  type ScenarioIssue,
} from '../src/scenario/load.js';
import { ApiError } from './api-error.js';
import type { Durations } from './latency.js';
import type { Logger } from './log.js';
import type { CreateSessionRequest, CreateSessionResponse } from './protocol.js';
import { LiveSession, type Peer, type SessionLimits, type SessionServices } from './session.js';
import { CorruptSessionError, type SessionMeta, type SessionStore } from './store.js';

export const hashToken = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

const newToken = (): string => randomBytes(32).toString('base64url');
const newSessionId = (): string => randomBytes(12).toString('base64url');

export interface BundledScenario {
  readonly id: string;
  readonly title: string;
  readonly period?: string;
  readonly teams: readonly { id: string; name: string; kind: string }[];
  readonly text: string;
  readonly hash: string;
  readonly scenario: Scenario;
}

export interface HubOptions {
  readonly store: SessionStore;
  readonly log: Logger;
  readonly limits: SessionLimits & { readonly maxSessions: number };
  /** Where sessions record each ack's time from its command's arrival. */
  readonly ackTimes?: Durations;
}

export class Hub {
  readonly sessions = new Map<string, LiveSession>();
  /** Sessions set aside on start, with the reason. */
  readonly quarantined = new Map<string, string>();
  private readonly tokens = new Map<string, { session: LiveSession; role: Role }>();
  /** Parsed scenarios by content hash: sessions of one scenario share one object. */
  private readonly scenarios = new Map<string, Scenario>();
  private bundledById: Map<string, BundledScenario> | undefined;
  private creating = 0;

  private readonly services: SessionServices;

  constructor(private readonly options: HubOptions) {
    const { store, log, limits, ackTimes } = options;
    this.services = { store, log, limits, ackTimes };
  }

  private get log(): Logger {
    return this.options.log;
  }

  /** The bundled scenarios (read and validated once). */
  async bundled(): Promise<Map<string, BundledScenario>> {
    if (!this.bundledById) {
      const map = new Map<string, BundledScenario>();
      for (const file of bundledScenarioFiles()) {
        const text = await readFile(file, 'utf8');
        const r = parseScenarioText(text, basename(file));
        if (!r.ok) {
          this.log.warn('bundled scenario is invalid; not offered', {
            file,
            errors: r.errors.map(formatIssue),
          });
          continue;
        }
        const sc = this.share(r.hash, r.scenario);
        map.set(basename(file, '.yaml'), {
          id: basename(file, '.yaml'),
          title: sc.title,
          ...(sc.period === undefined ? {} : { period: sc.period }),
          teams: sc.teams.map((t) => ({ id: t.id, name: t.name, kind: t.kind })),
          text,
          hash: r.hash,
          scenario: sc,
        });
      }
      this.bundledById = map;
    }
    return this.bundledById;
  }

  private share(hash: string, scenario: Scenario): Scenario {
    const known = this.scenarios.get(hash);
    if (known) return known;
    this.scenarios.set(hash, scenario);
    return scenario;
  }

  /** Parses a stored or uploaded scenario text, reusing an already parsed copy. */
  private scenarioFromText(
    text: string,
    name: string,
  ): { ok: true; scenario: Scenario; hash: string } | { ok: false; errors: ScenarioIssue[] } {
    const hash = contentHash(Buffer.from(text, 'utf8'));
    const known = this.scenarios.get(hash);
    if (known) return { ok: true, scenario: known, hash };
    const r = parseScenarioText(text, name);
    if (!r.ok) return r;
    return { ok: true, scenario: this.share(r.hash, r.scenario), hash: r.hash };
  }

  // ------------------------------------------------------------------ recovery

  /** Replays every stored session; quarantines the ones that cannot be trusted. */
  async recover(): Promise<{ restored: number; quarantined: number }> {
    const { store } = this.options;
    let restored = 0;
    for (const id of await store.list()) {
      try {
        const stored = await store.load(id);
        if (stored.repaired)
          this.log.warn('session log repaired', { session: id, repaired: stored.repaired });
        if (stored.header.engineVersion !== ENGINE_VERSION) {
          this.log.warn('session log was written by another engine version; its hashes decide', {
            session: id,
            logged: stored.header.engineVersion,
            engine: ENGINE_VERSION,
          });
        }
        const sc = this.scenarioFromText(stored.scenarioText, `${id}.scenario.yaml`);
        if (!sc.ok) {
          throw new CorruptSessionError(
            id,
            `its scenario no longer validates: ${sc.errors.map(formatIssue).slice(0, 3).join('; ')}`,
          );
        }
        if (sc.hash !== stored.header.scenario.hash) {
          throw new CorruptSessionError(id, 'its scenario file changed since the session began');
        }
        const session = LiveSession.restore(stored, sc.scenario, this.services);
        if (session.needsEndRecord(stored)) await session.writeEndRecord();
        this.register(session);
        restored++;
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        let movedTo = '(not moved)';
        try {
          movedTo = await store.quarantine(id, reason);
        } catch (moveErr) {
          this.log.error('could not move a quarantined session', { session: id, err: moveErr });
        }
        this.quarantined.set(id, reason);
        this.log.error(`session ${id} quarantined: ${reason}`, { session: id, reason, movedTo });
      }
    }
    return { restored, quarantined: this.quarantined.size };
  }

  private register(session: LiveSession): void {
    this.sessions.set(session.id, session);
    for (const [role, hash] of Object.entries(session.meta.tokens)) {
      this.tokens.set(hash, { session, role: role as Role });
    }
  }

  // ------------------------------------------------------------------ creation

  async create(req: CreateSessionRequest, wsUrl: string): Promise<CreateSessionResponse> {
    if (this.sessions.size + this.creating >= this.options.limits.maxSessions) {
      throw new ApiError(503, 'tooManySessions', 'this server holds its maximum of sessions');
    }
    let text: string;
    let scenario: Scenario;
    let hash: string;
    let source: SessionMeta['scenario']['source'];
    if (req.scenario !== undefined) {
      const b = (await this.bundled()).get(req.scenario);
      if (!b) {
        throw new ApiError(
          404,
          'unknownScenario',
          `no bundled scenario '${req.scenario}' (GET /api/scenarios)`,
        );
      }
      ({ text, scenario, hash } = b);
      source = 'bundled';
    } else {
      text = req.yaml ?? '';
      const r = this.scenarioFromText(text, 'upload.yaml');
      if (!r.ok) {
        throw new ApiError(
          400,
          'invalidScenario',
          'the scenario is not valid',
          r.errors.map(formatIssue),
        );
      }
      ({ scenario, hash } = r);
      source = 'upload';
    }
    const seed = req.seed ?? randomBytes(8).toString('hex');
    const id = newSessionId();
    const roles: Role[] = [
      'facilitator',
      ...scenario.teams.map((t) => `team:${t.id}` as const),
      'observer',
    ];
    const tokens: Record<string, string> = {};
    const hashes: Record<string, string> = {};
    for (const role of roles) {
      const token = newToken();
      tokens[role] = token;
      hashes[role] = hashToken(token);
    }
    const meta: SessionMeta = {
      format: 1,
      id,
      created: new Date().toISOString(),
      scenario: { id: scenario.id, title: scenario.title, hash, source },
      seed,
      tokens: hashes,
    };
    this.creating++;
    try {
      await this.options.store.create(meta, logHeader({ id: scenario.id, hash }, seed), text);
    } finally {
      this.creating--;
    }
    const session = new LiveSession(meta, scenario, this.services);
    this.register(session);
    this.log.info('session created', { session: id, scenario: scenario.id, source });
    return {
      session: id,
      scenario: { id: scenario.id, title: scenario.title, hash },
      seed,
      ws: wsUrl,
      tokens,
    };
  }

  // ------------------------------------------------------------------ tokens

  authenticate(token: string): { session: LiveSession; role: Role } | undefined {
    return this.tokens.get(hashToken(token));
  }

  /**
   * Revokes a role's token (closing its connections) and, with `reissue`, issues a new one.
   * The facilitator's own token can only be replaced, not removed.
   */
  async revoke(
    session: LiveSession,
    role: string,
    reissue: boolean,
    except?: Peer,
  ): Promise<{ token?: string }> {
    if (!this.isRoleOf(session, role)) {
      throw new ApiError(400, 'unknownRole', `no role '${role}' in this session`);
    }
    if (role === 'facilitator' && !reissue) {
      throw new ApiError(
        400,
        'badRequest',
        "the facilitator's token can only be replaced (reissue: true)",
      );
    }
    const old = session.meta.tokens[role];
    const tokens = { ...session.meta.tokens };
    let token: string | undefined;
    if (reissue) {
      token = newToken();
      tokens[role] = hashToken(token);
    } else {
      delete tokens[role];
    }
    const meta: SessionMeta = { ...session.meta, tokens };
    await this.options.store.saveMeta(meta);
    session.meta = meta;
    if (old !== undefined) this.tokens.delete(old);
    if (token !== undefined) this.tokens.set(hashToken(token), { session, role: role as Role });
    session.closeRole(role as Role, 'token revoked', except);
    this.log.info('token revoked', { session: session.id, role, reissued: reissue });
    return token === undefined ? {} : { token };
  }

  private isRoleOf(session: LiveSession, role: string): boolean {
    return (
      role === 'facilitator' ||
      role === 'observer' ||
      (role.startsWith('team:') && session.scenario.teams.some((t) => `team:${t.id}` === role))
    );
  }

  /** Waits for every pending write, then closes every connection. */
  async close(code: number, reason: string): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.close(code, reason)));
  }
}
