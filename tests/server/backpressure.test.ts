/**
 * Backpressure, at the session level with scripted peers: a peer that does not drain its
 * buffer stops receiving (the others do not wait), catches up exactly when it drains, and is
 * dropped when it falls hopelessly behind.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewFor, type CommandBody } from '../../engine/index.js';
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
let session: LiveSession;
beforeAll(async () => {
  store = await FileStore.open(dir);
  const hub = new Hub({
    store,
    log: silentLogger,
    limits: {
      ...DEFAULT_LIMITS,
      highWaterBytes: 100,
      lowWaterBytes: 10,
      maxBufferedBytes: 1000,
      pushDelayMs: 0, // every push at its commit, so that each one is seen as it happens
    },
  });
  const created = await hub.create({ scenario: 'tutorial', seed: 'bp' }, 'ws://unused');
  const s = hub.sessions.get(created.session);
  if (!s) throw new Error('no session');
  session = s;
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
async function act(white: FakePeer, command: CommandBody): Promise<number> {
  const id = `c${++n}`;
  session.submit(white, id, command);
  let seq = -1;
  await until(() => {
    const ack = white.frames.find((f) => f['type'] === 'ack' && f['id'] === id);
    if (ack) seq = ack['seq'] as number;
    return ack !== undefined;
  });
  return seq;
}

describe('backpressure', () => {
  it('a slow peer is skipped, catches up exactly, and is dropped when hopeless', async () => {
    const white = new FakePeer('facilitator');
    const slow = new FakePeer('observer');
    const fast = new FakePeer('observer');
    for (const p of [white, slow, fast]) session.join(p, undefined);
    await act(white, { type: 'start' });
    slow.take();
    fast.take();

    slow.queuedBytes = 500; // over the high-water mark, under the limit
    let last = 0;
    for (let k = 0; k < 5; k++) last = await act(white, ruling(k));
    expect(last).toBe(6);
    expect(slow.take()).toEqual([]);
    expect(slow.lagging).toBe(true);
    const fastEvents = fast.take().filter((f) => f['type'] === 'event');
    expect(fastEvents.map((f) => f['seq'])).toEqual([2, 3, 4, 5, 6]);

    // Drained: the missed events, in order, then a full view.
    slow.queuedBytes = 0;
    session.catchUpLaggards();
    const caught = slow.take();
    expect(caught.map((f) => [f['type'], f['seq']])).toEqual([
      ['event', 2],
      ['event', 3],
      ['event', 4],
      ['event', 5],
      ['event', 6],
      ['view', 6],
    ]);
    expect(caught.slice(0, 5).map((f) => f['events'])).toEqual(fastEvents.map((f) => f['events']));
    const view = caught[5]?.['view'];
    expect(view).toEqual(wire(viewFor(session.state, 'observer')));

    // Back in step: the next change arrives as a patch on that view.
    await act(white, ruling(99));
    const [next] = slow.take();
    const patch = next?.['view'] as { base: number; patches: Patch[] };
    expect(patch.base).toBe(6);
    expect(applyPatches(view, patch.patches)).toEqual(wire(viewFor(session.state, 'observer')));

    // Hopelessly behind: dropped (it may reconnect with lastSeq).
    slow.queuedBytes = 5000;
    await act(white, ruling(100));
    expect(slow.closedWith).toBe(4004);
    expect(session.peers.has(slow)).toBe(false);
    expect(session.peers.has(fast)).toBe(true);
  });
});
