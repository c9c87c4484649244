/**
 * Reconnection at random points: clients drop their connection abruptly (with commands in
 * flight) and come back with lastSeq, by hand or by themselves. Every client ends with every
 * event exactly once and in order, the right view, and every command applied exactly once.
 */
import { fc, test } from '@fast-check/vitest';
import type WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  eventsFor,
  legalCommands,
  viewFor,
  type CommandBody,
  type EngineEvent,
  type Role,
  type SessionState,
} from '../../engine/index.js';
import type { TtxClient } from '../../server/client.js';
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
  t = await startTestServer({ ratePerSecond: 10_000, rateBurst: 10_000 });
});
afterAll(async () => {
  await t.stop();
});

const ROLES: Role[] = ['facilitator', 'team:alliance', 'team:arl', 'team:bor', 'observer'];

const move = fc.record({
  who: fc.nat({ max: ROLES.length - 1 }),
  kind: fc.constantFrom('command', 'command', 'command', 'drop', 'reconnect', 'pause'),
  pick: fc.nat(),
});

describe('reconnection', () => {
  test.prop([fc.array(move, { minLength: 10, maxLength: 70 })], { numRuns: 10 })(
    'drops and reconnections at random points lose and repeat nothing',
    async (moves) => {
      const created = await newSession(t.server, { scenario: 'tutorial', seed: 'reconnect' });
      const events = new Map<Role, Map<number, readonly EngineEvent[]>>();
      const clients = new Map<Role, TtxClient>();
      for (const role of ROLES) {
        const got = new Map<number, readonly EngineEvent[]>();
        events.set(role, got);
        clients.set(
          role,
          await join(t.server, created.tokens[role] ?? '', {
            onEvent: (seq, ev) => {
              expect(got.has(seq), `${role} got seq ${seq} twice`).toBe(false);
              got.set(seq, ev);
            },
            // The observer comes back by itself; the others are reconnected by hand.
            ...(role === 'observer' ? { reconnect: { delayMs: 5, maxDelayMs: 20 } } : {}),
          }),
        );
      }
      const client = (role: Role): TtxClient => clients.get(role) as TtxClient;
      const white = client('facilitator');
      for (const team of ['alliance', 'arl', 'bor']) {
        await white.send({ type: 'setControl', team, mode: 'human' });
      }
      await white.send({ type: 'start' });
      await until(() => white.viewSeq === 4);

      const acks: Promise<{ id: string; seq: number } | undefined>[] = [];
      let n = 0;
      const fire = (role: Role, command: CommandBody): void => {
        const id = `${role}#${++n}`;
        acks.push(
          client(role)
            .send(command, id)
            .then(
              (a) => ({ id, seq: a.seq }),
              () => undefined,
            ),
        );
      };
      for (const m of moves) {
        const role = ROLES[m.who] as Role;
        const c = client(role);
        if (m.kind === 'drop') {
          (c.rawSocket as unknown as WebSocket | undefined)?.terminate();
        } else if (m.kind === 'reconnect' && role !== 'observer') {
          await c.reconnect();
        } else if (m.kind === 'pause') {
          await new Promise((r) => setTimeout(r, m.pick % 5));
        } else if (role === 'facilitator') {
          fire(
            role,
            m.pick % 4 === 0
              ? { type: 'advance' }
              : { type: 'ruling', reason: `r${n}`, effect: { factors: { security: 0.001 } } },
          );
        } else if (role !== 'observer') {
          const state = white.view?.full as SessionState;
          const options = legalCommands(state, role);
          const choice = options[m.pick % Math.max(1, options.length)];
          if (choice) fire(role, choice);
        }
      }
      // Everyone comes back; every command is answered.
      for (const role of ROLES) {
        const c = client(role);
        if (role !== 'observer' && !c.connected) await c.reconnect();
      }
      const answered = (await Promise.all(acks)).filter((a) => a !== undefined);

      const stored = await storedSession(t.dataDir, created.session);
      expect(new Set(stored.ids).size).toBe(stored.ids.length);
      for (const a of answered) expect(stored.ids[a.seq - 1]).toBe(a.id);
      const { states, events: stepEvents } = replayAll('tutorial', 'reconnect', stored.commands);
      const last = states[states.length - 1] as SessionState;
      for (const role of ROLES) {
        const c = client(role);
        await until(
          () => c.connected && c.seq === last.seq && c.viewSeq === last.seq,
          3000,
          `${role} to settle (connected ${String(c.connected)}, seq ${c.seq}, view ${c.viewSeq}, last ${last.seq})`,
        );
        expect(c.duplicates + c.gaps, role).toBe(0);
        const got = events.get(role) ?? new Map<number, readonly EngineEvent[]>();
        for (let seq = 1; seq <= last.seq; seq++) {
          expect(got.get(seq), `${role} seq ${seq}`).toEqual(
            wire(eventsFor(stepEvents[seq] ?? [], role)),
          );
        }
        expect(c.view).toEqual(wire(viewFor(last, role)));
      }
      for (const c of clients.values()) await c.close();
    },
  );
});
