/**
 * Pushes to roles that did not act (`pushDelayMs`): the role that issued a command gets its
 * frames, then the ack, at once; the others get theirs later, several commands in one write
 * with one view patch. Whatever the delay and the interleaving, every connection sees every
 * seq once, in order, each ack after its command's event, and patches that rebuild its view.
 */
import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewFor, type CommandBody, type Role } from '../../engine/index.js';
import { FileStore } from '../../server/file-store.js';
import { Hub } from '../../server/hub.js';
import { DEFAULT_LIMITS } from '../../server/limits.js';
import { silentLogger } from '../../server/log.js';
import { applyPatches } from '../../server/patch.js';
import type { Patch } from '../../server/protocol.js';
import type { LiveSession } from '../../server/session.js';
import { FakePeer, ruling, tempDir, until, wire } from './helpers.js';

const dir = tempDir();
let store: FileStore;
beforeAll(async () => {
  store = await FileStore.open(dir);
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

let sessions = 0;
async function newLiveSession(pushDelayMs: number, eventTail = 1024): Promise<LiveSession> {
  const hub = new Hub({
    store,
    log: silentLogger,
    limits: { ...DEFAULT_LIMITS, pushDelayMs, eventTail },
  });
  const created = await hub.create({ scenario: 'tutorial', seed: `push-${++sessions}` }, 'ws://x');
  const s = hub.sessions.get(created.session);
  if (!s) throw new Error('no session');
  return s;
}

let ids = 0;
/** Submits a command; resolves with its ack's seq, or undefined when it is refused. */
async function act(
  session: LiveSession,
  peer: FakePeer,
  command: CommandBody,
): Promise<number | undefined> {
  const id = `c${++ids}`;
  session.submit(peer, id, command);
  let answer: Record<string, unknown> | undefined;
  await until(() => {
    answer = peer.frames.find(
      (f) => f['id'] === id && (f['type'] === 'ack' || f['type'] === 'error'),
    );
    return answer !== undefined;
  });
  return answer?.['type'] === 'ack' ? (answer['seq'] as number) : undefined;
}

/**
 * Checks one connection's frames from its welcome on: events with seqs 1..`seq` once each,
 * in order; each ack after the event of its seq; each patch at the view it holds. Returns
 * the view the frames rebuild.
 */
function replayFrames(peer: FakePeer, seq: number): unknown {
  let view: unknown;
  let viewSeq = -1;
  let last = 0;
  for (const f of peer.frames) {
    switch (f['type']) {
      case 'welcome':
      case 'view':
        view = f['view'];
        viewSeq = f['seq'] as number;
        break;
      case 'event': {
        expect(f['seq']).toBe(last + 1);
        last = f['seq'] as number;
        const patch = f['view'] as { base: number; patches: Patch[] } | undefined;
        if (patch) {
          expect(patch.base).toBe(viewSeq);
          view = applyPatches(view, patch.patches);
          viewSeq = last;
        }
        break;
      }
      case 'ack':
        expect(f['seq'] as number).toBeLessThanOrEqual(last);
        break;
    }
  }
  expect(last).toBe(seq);
  expect(viewSeq).toBe(seq);
  return view;
}

describe('pushes to roles that did not act', () => {
  it('the acting role gets its frames before each ack; the others get them later, with one patch', async () => {
    const session = await newLiveSession(60_000); // nothing due before the session closes
    const white = new FakePeer('facilitator');
    const observer = new FakePeer('observer');
    for (const p of [white, observer]) session.join(p, undefined);
    await act(session, white, { type: 'start' });
    for (let k = 0; k < 4; k++) await act(session, white, ruling(k));
    expect(session.state.seq).toBe(5);
    replayFrames(white, 5);
    // Each of the white cell's commands: its event, then its ack.
    expect(white.frames.map((f) => f['type'])).toEqual([
      'welcome',
      ...Array.from({ length: 5 }, () => ['event', 'ack']).flat(),
    ]);
    expect(observer.frames.map((f) => f['type'])).toEqual(['welcome']);

    await session.close(1001, 'done'); // what is due goes out before the connections close
    const view = replayFrames(observer, 5);
    expect(view).toEqual(wire(viewFor(session.state, 'observer')));
    expect(
      observer.frames.filter((f) => f['view'] !== undefined && f['type'] === 'event'),
    ).toHaveLength(1);
  });

  it('a connection behind the kept events gets the older ones by replay, the same as were pushed', async () => {
    const session = await newLiveSession(0, 2);
    const white = new FakePeer('facilitator');
    const observer = new FakePeer('observer');
    for (const p of [white, observer]) session.join(p, undefined);
    await act(session, white, { type: 'start' });
    for (let k = 0; k < 7; k++) await act(session, white, ruling(k));
    const late = new FakePeer('observer');
    session.join(late, 1); // the tail holds the last 2 to 4 commands: 2..4 are replayed
    const events = (p: FakePeer): unknown[] =>
      p.frames.filter((f) => f['type'] === 'event').map((f) => [f['seq'], f['events']]);
    expect(events(late)).toEqual(events(observer).slice(1));
    expect(events(late)).toHaveLength(7);
    await session.close(1001, 'done');

    // Restored from its log, it keeps the same tail and replays the same older events.
    const hub = new Hub({
      store,
      log: silentLogger,
      limits: { ...DEFAULT_LIMITS, pushDelayMs: 0, eventTail: 2 },
    });
    await hub.recover();
    const restored = hub.sessions.get(session.id);
    if (!restored) throw new Error('not restored');
    const [fromTail, fromReplay] = [new FakePeer('observer'), new FakePeer('observer')];
    restored.join(fromTail, 6); // 7 and 8: in the tail
    restored.join(fromReplay, 3); // 4..8: 4..6 replayed
    expect(events(fromTail)).toEqual(events(observer).slice(6));
    expect(events(fromReplay)).toEqual(events(observer).slice(3));
    await hub.close(1001, 'done');
  });

  it('within pushDelayMs', async () => {
    const session = await newLiveSession(20);
    const white = new FakePeer('facilitator');
    const observer = new FakePeer('observer');
    for (const p of [white, observer]) session.join(p, undefined);
    await act(session, white, { type: 'start' });
    await act(session, white, ruling(1));
    await until(() => observer.frames.some((f) => f['seq'] === 2 && f['type'] === 'event'), 2000);
    expect(replayFrames(observer, 2)).toEqual(wire(viewFor(session.state, 'observer')));
    await session.close(1001, 'done');
  });

  it('every connection sees every seq once, in order, whatever the delay and the interleaving', async () => {
    const roles: Role[] = ['facilitator', 'team:alliance', 'team:arl', 'team:bor', 'observer'];
    const commandFor = (role: Role, k: number): CommandBody =>
      role === 'facilitator'
        ? ruling(k)
        : { type: 'diplomacy', target: k % 2 === 0 ? 'cas' : 'bor' };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 3, 15),
        fc.array(
          fc.record({
            by: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
            pauseMs: fc.constantFrom(0, 0, 5, 20),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        async (delay, bursts) => {
          const session = await newLiveSession(delay);
          const peers = roles.map((r) => new FakePeer(r));
          // Two connections of one role: pushed together.
          peers.push(new FakePeer('team:arl'));
          for (const p of peers) session.join(p, undefined);
          const [white] = peers as [FakePeer];
          await act(session, white, { type: 'setControl', team: 'arl', mode: 'human' });
          await act(session, white, { type: 'setControl', team: 'bor', mode: 'human' });
          await act(session, white, { type: 'start' });
          let k = 0;
          for (const burst of bursts) {
            // A burst: commands from several connections at once, before any is durable.
            await Promise.all(
              burst.by.map((i) => {
                const peer = peers[i] as FakePeer;
                return act(session, peer, commandFor(peer.role, k++));
              }),
            );
            await new Promise((r) => setTimeout(r, burst.pauseMs));
          }
          await session.close(1001, 'done');
          const seq = session.state.seq;
          for (const p of peers) {
            expect(replayFrames(p, seq)).toEqual(wire(viewFor(session.state, p.role)));
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});
