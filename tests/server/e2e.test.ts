/**
 * End to end: a facilitator, three teams and an observer play a bundled scenario to its end
 * through the real server; the final state equals `ttx replay` of the stored log, and every
 * role's view and events are exactly what the engine says that role may see.
 */
import { join as joinPath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventsFor,
  hashState,
  legalCommands,
  viewFor,
  type EngineEvent,
  type Role,
  type SessionState,
} from '../../engine/index.js';
import type { TtxClient } from '../../server/client.js';
import { main } from '../../src/cli/main.js';
import {
  join,
  newSession,
  replayAll,
  startTestServer,
  storedSession,
  until,
  wire,
  type TestServer,
} from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.stop();
});

describe('a whole exercise through the server', () => {
  it('facilitator + 3 teams + observer play tutorial to its end; replay of the log agrees', async () => {
    const created = await newSession(t.server, { scenario: 'tutorial', seed: 'e2e' });
    const teams = ['alliance', 'arl', 'bor'];
    const roles: Role[] = ['facilitator', ...teams.map((x) => `team:${x}` as const), 'observer'];
    const received = new Map<Role, Map<number, readonly EngineEvent[]>>();
    const clients = new Map<Role, TtxClient>();
    for (const role of roles) {
      const events = new Map<number, readonly EngineEvent[]>();
      received.set(role, events);
      const token = created.tokens[role];
      if (token === undefined) throw new Error(`no token for ${role}`);
      clients.set(role, await join(t.server, token, { onEvent: (seq, ev) => events.set(seq, ev) }));
    }
    const client = (role: Role): TtxClient => {
      const c = clients.get(role);
      if (!c) throw new Error(role);
      return c;
    };
    const white = client('facilitator');
    const full = (): SessionState => {
      const s = white.view?.full;
      if (!s) throw new Error('the facilitator sees the whole state');
      return s;
    };

    // The white cell's view follows each ack on its own socket: wait for it before deciding.
    const settle = async (seq: number): Promise<void> => until(() => white.viewSeq >= seq);
    for (const team of teams) await white.send({ type: 'setControl', team, mode: 'human' });
    await settle((await white.send({ type: 'start' })).seq);
    let rounds = 0;
    let pick = 0;
    while (full().status !== 'ended') {
      expect(++rounds).toBeLessThan(200);
      for (const team of teams) {
        if (full().status === 'ended') break;
        const role = `team:${team}` as const;
        // The players' "brains": a legal decision on the state as the white cell sees it.
        const options = legalCommands(full(), role);
        const choice = options[pick++ % Math.max(1, options.length)];
        if (choice) {
          const ack = await client(role).send(choice);
          await settle(ack.seq);
          expect(full().seq).toBe(ack.seq);
        }
      }
      if (full().status !== 'ended') await settle((await white.send({ type: 'advance' })).seq);
    }
    const finalSeq = full().seq;
    for (const role of roles) await until(() => client(role).seq === finalSeq, 5000, role);

    // The stored log, replayed by `ttx replay`, reaches the same state hash.
    const log = joinPath(t.dataDir, 'sessions', `${created.session}.jsonl`);
    let out = '';
    const status = await main(['node', 'ttx', 'replay', log, '--json'], {
      out: (s) => (out += s),
      err: (s) => (out += s),
    });
    expect(status, out).toBe(0);
    const summary = JSON.parse(out) as { stateHash: string; verified: boolean; commands: number };
    expect(summary.verified).toBe(true);
    expect(summary.commands).toBe(finalSeq);
    expect(hashState(full())).toBe(summary.stateHash);

    // Every command is recorded once, issued by the role that sent it.
    const stored = await storedSession(t.dataDir, created.session);
    expect(stored.ended).toBe(true);
    expect(new Set(stored.ids).size).toBe(stored.commands.length);
    for (const c of stored.commands)
      expect(['facilitator', ...teams.map((x) => `team:${x}`)]).toContain(c.by);

    // Each role holds exactly its view and received exactly its events, in order, once.
    const { states, events } = replayAll('tutorial', 'e2e', stored.commands);
    const last = states[states.length - 1] as SessionState;
    expect(hashState(last)).toBe(summary.stateHash);
    for (const role of roles) {
      const c = client(role);
      expect(c.duplicates + c.gaps + c.invalidFrames).toBe(0);
      expect(c.view).toEqual(wire(viewFor(last, role)));
      const got = received.get(role) ?? new Map<number, readonly EngineEvent[]>();
      for (let seq = 1; seq <= finalSeq; seq++) {
        expect(got.get(seq), `${role} seq ${seq}`).toEqual(
          wire(eventsFor(events[seq] ?? [], role)),
        );
      }
    }
    // The observer saw the outcome but none of the confidential detail.
    expect(client('observer').view?.outcome).toEqual(last.outcome);
    expect(client('observer').view?.team).toBeUndefined();
    for (const c of clients.values()) await c.close();
  });
});
