/**
 * Frame fuzz: 10,000+ generated malformed or hostile frames (fast-check) against a live
 * server, on joined and unjoined connections. Each gets exactly one error reply, the server
 * stays up, the target session's state does not change, and another session plays on.
 */
import { fc } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashState, type SessionState } from '../../engine/index.js';
import { ClientFrame, ErrorCode } from '../../server/protocol.js';
import type { CreateSessionResponse } from '../../server/protocol.js';
import {
  api,
  join,
  newSession,
  rawJoined,
  rawSocket,
  startTestServer,
  type RawSocket,
  type TestServer,
} from './helpers.js';

const FRAMES = 10_500;
const MAX_FRAME = 2048;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    ratePerSecond: 1_000_000,
    rateBurst: 1_000_000,
    maxBadFrames: 1_000_000,
    maxFrameBytes: MAX_FRAME,
    hardMaxFrameBytes: 64 * 1024,
  });
});
afterAll(async () => {
  await t.stop();
});

const types = [
  'hello',
  'command',
  'sync',
  'revoke',
  'welcome',
  'ack',
  'event',
  '',
  'COMMAND',
  '__proto__',
];
const commandTypes = [
  'start',
  'advance',
  'diplomacy',
  'pledge',
  'ruling',
  'respond',
  'fireInject',
  'nope',
];
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    '\u0000',
    '\uFEFF',
    '\ud800',
  ),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1, 1e308, 0.5),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
);
const commandBody = fc.oneof(
  fc.dictionary(
    fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom('type', 'by', 'event', 'target', '__proto__'),
    ),
    nasty,
    {
      maxKeys: 4,
    },
  ),
  fc.record({
    type: fc.constantFrom(...commandTypes),
    by: fc.constantFrom('facilitator', 'system', 'team:arl', 'observer'),
  }),
  fc.record(
    { type: fc.constantFrom(...commandTypes), target: nasty, event: nasty, units: nasty },
    { requiredKeys: ['type'] },
  ),
  fc.constantFrom(
    { type: 'start' },
    { type: 'diplomacy', target: 'bor' },
    { type: 'pledge', slot: 'inf', units: 1 },
  ),
  nasty,
);
const frameObject = fc.oneof(
  fc.record(
    {
      type: fc.constantFrom(...types),
      id: fc.oneof(fc.string({ maxLength: 70 }), nasty),
      command: commandBody,
      token: fc.oneof(fc.string({ maxLength: 50 }), nasty),
      protocol: fc.oneof(fc.constantFrom(1, 2, 0), nasty),
      lastSeq: nasty,
      role: fc.oneof(fc.constantFrom('team:arl', 'facilitator', 'observer', 'team:x'), nasty),
      reissue: nasty,
    },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.string({ maxLength: 10 }), nasty, { maxKeys: 5 }),
);
const hostileText = fc.oneof(
  { weight: 4, arbitrary: frameObject.map((o) => JSON.stringify(o)) },
  { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 100 }) },
  // truncated, padded, deeply nested, oversized, proto-polluting
  { weight: 1, arbitrary: frameObject.map((o) => JSON.stringify(o).slice(0, -1)) },
  { weight: 1, arbitrary: fc.nat({ max: 3000 }).map((d) => '['.repeat(d) + ']'.repeat(d)) },
  {
    weight: 1,
    arbitrary: fc
      .nat({ max: 10 })
      .map((k) =>
        JSON.stringify({ type: 'command', id: 'big', pad: 'x'.repeat(MAX_FRAME + k * 100) }),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '{"type":"command","id":"p","command":{"__proto__":{"type":"start"}}}',
      '{"__proto__":{"type":"sync"}}',
      '{"type":"command","id":"p","command":{"type":"start","constructor":{"prototype":{"x":1}}}}',
      '{"type":"sync","type":"hello"}',
      '1e999',
      'NaN',
      '',
      ' ',
      '\uFEFF{"type":"sync"}',
      '{"type":"revoke","role":"facilitator","reissue":true}',
    ),
  },
);

/** Frames that are valid and would be answered without an error are not hostile: left out. */
function hostile(text: string, joined: boolean): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return true;
  }
  const f = ClientFrame.safeParse(value);
  if (!f.success) return true;
  if (f.data.type === 'sync') return !joined; // a joined sync gets a view
  if (f.data.type === 'hello') return joined; // an unjoined hello with a bad token closes
  return true;
}

async function pump(sock: RawSocket, frames: readonly (string | Buffer)[]): Promise<number> {
  let errors = 0;
  const BATCH = 250;
  for (let i = 0; i < frames.length; i += BATCH) {
    const batch = frames.slice(i, i + BATCH);
    for (const f of batch) sock.ws.send(f, { binary: Buffer.isBuffer(f) });
    for (const f of batch) {
      const reply = await sock.next(10_000);
      const ok = reply['type'] === 'error' && ErrorCode.safeParse(reply['code']).success;
      expect(ok, `reply to ${String(f).slice(0, 80)}: ${JSON.stringify(reply).slice(0, 200)}`).toBe(
        true,
      );
      errors++;
    }
  }
  return errors;
}

describe('frame fuzz', () => {
  let target: CreateSessionResponse;
  let other: CreateSessionResponse;
  beforeAll(async () => {
    target = await newSession(t.server, { scenario: 'tutorial', seed: 'fuzz' });
    other = await newSession(t.server, { scenario: 'tutorial', seed: 'bystander' });
  });

  it(`${FRAMES} hostile frames: one error each, nothing changes, the server stays up`, async () => {
    const seed = Date.now() ^ 0x5eed;
    const texts = fc.sample(hostileText, { numRuns: FRAMES, seed });
    const before = await join(t.server, target.tokens['facilitator'] ?? '');
    const hashBefore = hashState(before.view?.full as SessionState);
    await before.close();

    const arl = await rawJoined(t.server, target.tokens['team:arl'] ?? '');
    const observer = await rawJoined(t.server, target.tokens['observer'] ?? '');
    const stranger = await rawSocket(t.server);
    const third = Math.ceil(texts.length / 3);
    const binary = fc
      .sample(fc.uint8Array({ maxLength: 64 }), { numRuns: 50, seed })
      .map((b) => Buffer.from(b));
    const streams: [RawSocket, (string | Buffer)[]][] = [
      [arl, [...texts.slice(0, third).filter((x) => hostile(x, true)), ...binary]],
      [observer, texts.slice(third, 2 * third).filter((x) => hostile(x, true))],
      [stranger, texts.slice(2 * third).filter((x) => hostile(x, false))],
    ];
    const answered = await Promise.all(streams.map(([s, f]) => pump(s, f)));
    const total = answered.reduce((a, b) => a + b, 0);
    expect(total, `seed ${seed}`).toBeGreaterThanOrEqual(10_000);
    await new Promise((r) => setTimeout(r, 50));
    for (const [s] of streams) {
      expect(s.ws.readyState, `seed ${seed}`).toBe(s.ws.OPEN);
      expect(s.queued, 'no reply beyond one per frame').toEqual([]);
    }

    // The server is up, the target session unchanged, the other one plays on.
    expect((await api<{ status: string }>(t.server.url, '/healthz')).body.status).toBe('ok');
    const after = await join(t.server, target.tokens['facilitator'] ?? '');
    expect(hashState(after.view?.full as SessionState)).toBe(hashBefore);
    expect(after.view?.full?.seq).toBe(0);
    await after.close();
    const bystander = await join(t.server, other.tokens['facilitator'] ?? '');
    expect((await bystander.send({ type: 'start' })).seq).toBe(1);
    await bystander.close();
    for (const [s] of streams) s.ws.close();
  });
});
