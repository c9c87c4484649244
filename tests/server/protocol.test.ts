/** The protocol frame by frame: hello, authority, idempotent retries, limits, heartbeat. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_SCHEMA_PATH, renderProtocolJsonSchema } from '../../server/protocol-schema.js';
import {
  PROTOCOL_VERSION,
  ServerFrame,
  ServerMessage,
  type CreateSessionResponse,
} from '../../server/protocol.js';
import {
  api,
  join,
  newSession,
  rawJoined,
  rawSocket,
  startTestServer,
  storedSession,
  until,
  type TestServer,
} from './helpers.js';

const token = (s: CreateSessionResponse, role: string): string => {
  const t = s.tokens[role];
  if (t === undefined) throw new Error(`no token for ${role}`);
  return t;
};

describe('docs/protocol.schema.json', () => {
  it('is up to date with server/protocol.ts (npm run protocol-schema)', () => {
    expect(readFileSync(PROTOCOL_SCHEMA_PATH, 'utf8')).toBe(renderProtocolJsonSchema());
  });
});

describe('protocol', () => {
  let t: TestServer;
  let s: CreateSessionResponse;
  beforeAll(async () => {
    t = await startTestServer();
    s = await newSession(t.server, { scenario: 'tutorial', seed: 'proto' });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('hello with an unknown token: unauthorized, then close 4001', async () => {
    const c = await rawSocket(t.server);
    c.send({ type: 'hello', protocol: PROTOCOL_VERSION, token: 'not-a-token' });
    expect(await c.next()).toMatchObject({ type: 'error', code: 'unauthorized' });
    expect((await c.closed).code).toBe(4001);
  });

  it('another protocol version: unsupportedProtocol, then close 4002', async () => {
    const c = await rawSocket(t.server);
    c.send({ type: 'hello', protocol: 1, token: token(s, 'observer') }); // before arrays of frames
    expect(await c.next()).toMatchObject({ type: 'error', code: 'unsupportedProtocol' });
    expect((await c.closed).code).toBe(4002);
  });

  it('commands before hello are refused; a second hello too', async () => {
    const c = await rawSocket(t.server);
    c.send({ type: 'command', id: 'a', command: { type: 'start' } });
    expect(await c.next()).toMatchObject({ type: 'error', id: 'a', code: 'notJoined' });
    c.send({ type: 'hello', protocol: PROTOCOL_VERSION, token: token(s, 'observer') });
    const welcome = await c.next();
    expect(ServerFrame.parse(welcome)).toMatchObject({ type: 'welcome', role: 'observer', seq: 0 });
    c.send({ type: 'hello', protocol: PROTOCOL_VERSION, token: token(s, 'observer') });
    expect(await c.next()).toMatchObject({ type: 'error', code: 'alreadyJoined' });
    c.ws.close();
  });

  it("the issuer is the token's role: observers cannot act, 'by' cannot be forged", async () => {
    const observer = await rawJoined(t.server, token(s, 'observer'));
    observer.send({ type: 'command', id: 'o1', command: { type: 'start' } });
    expect(await observer.next()).toMatchObject({ type: 'error', id: 'o1', code: 'forbidden' });
    const arl = await rawJoined(t.server, token(s, 'team:arl'));
    arl.send({ type: 'command', id: 'f1', command: { type: 'start', by: 'facilitator' } });
    const forged = await arl.next();
    expect(forged).toMatchObject({ type: 'error', id: 'f1', code: 'malformed' });
    expect(String(forged['message'])).toContain("'by'");
    arl.send({ type: 'command', id: 'f2', command: { type: 'start' } });
    expect(await arl.next()).toMatchObject({ type: 'error', id: 'f2', code: 'forbidden' });
    const white = await join(t.server, token(s, 'facilitator'));
    expect(white.view?.full?.seq).toBe(0);
    observer.ws.close();
    arl.ws.close();
    await white.close();
  });

  it('a resent command id is acknowledged again and applied once', async () => {
    const mine = await newSession(t.server, { scenario: 'tutorial', seed: 'idem' });
    const white = await rawJoined(t.server, token(mine, 'facilitator'));
    const start = { type: 'command', id: 'go', command: { type: 'start' } };
    white.send(start);
    white.send(start); // while the first is still being written
    const frames: Record<string, unknown>[] = [];
    while (frames.filter((f) => f['type'] === 'ack').length < 2) frames.push(await white.next());
    const acks = frames.filter((f) => f['type'] === 'ack');
    expect(acks.map((a) => a['seq'])).toEqual([1, 1]);
    expect(acks.filter((a) => a['duplicate'] === true)).toHaveLength(1);
    // From another connection of the same role, after the fact.
    const again = await rawJoined(t.server, token(mine, 'facilitator'), 1);
    again.send(start);
    expect(await again.next()).toEqual({ type: 'ack', id: 'go', seq: 1, duplicate: true });
    // The same id for another command is refused; another role has its own ids.
    again.send({ type: 'command', id: 'go', command: { type: 'pause' } });
    expect(await again.next()).toMatchObject({ type: 'error', id: 'go', code: 'duplicateId' });
    const arl = await rawJoined(t.server, token(mine, 'team:arl'));
    arl.send({ type: 'command', id: 'go', command: { type: 'diplomacy', target: 'bor' } });
    expect(await arl.next()).toMatchObject({ type: 'event', seq: 2 });
    expect(await arl.next()).toEqual({ type: 'ack', id: 'go', seq: 2 });
    const stored = await storedSession(t.dataDir, mine.session);
    expect(stored.commands.map((c) => [c.by, c.type])).toEqual([
      ['facilitator', 'start'],
      ['team:arl', 'diplomacy'],
    ]);
    for (const c of [white, again, arl]) c.ws.close();
  });

  it("a command's events and its ack come in one message, an array in order; a lone frame alone", async () => {
    const mine = await newSession(t.server, { scenario: 'tutorial', seed: 'batch' });
    const white = await rawJoined(t.server, token(mine, 'facilitator'));
    white.send({ type: 'command', id: 'go', command: { type: 'start' } });
    await until(() => white.messages.length >= 2, 5000, 'the answer to start');
    const [welcome, answer] = white.messages;
    expect(ServerMessage.parse(welcome)).toMatchObject({ type: 'welcome', seq: 0 });
    expect(ServerMessage.parse(answer)).toEqual([
      expect.objectContaining({ type: 'event', seq: 1 }),
      { type: 'ack', id: 'go', seq: 1 },
    ]);
    white.send({ type: 'sync' });
    await until(() => white.messages.length >= 3, 5000, 'the view');
    expect(white.messages[2]).toMatchObject({ type: 'view', seq: 1 });
    white.ws.close();
  });

  it('sync answers with a full view', async () => {
    const c = await rawJoined(t.server, token(s, 'team:bor'));
    c.send({ type: 'sync' });
    const v = ServerFrame.parse(await c.next());
    expect(v).toMatchObject({ type: 'view', seq: 0, view: { role: 'team:bor' } });
    c.ws.close();
  });
});

describe('limits', () => {
  let t: TestServer;
  let s: CreateSessionResponse;
  beforeAll(async () => {
    t = await startTestServer({
      helloTimeoutMs: 300,
      ratePerSecond: 20,
      rateBurst: 10,
      rateStrikes: 5,
      maxFrameBytes: 1024,
      hardMaxFrameBytes: 8192,
      heartbeatMs: 150,
      maxPeers: 3,
    });
    s = await newSession(t.server, { scenario: 'tutorial', seed: 'limits' });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('a connection that never says hello is closed (4003)', async () => {
    const c = await rawSocket(t.server);
    expect((await c.closed).code).toBe(4003);
  });

  it('frames over the rate get rateLimited, and a flood is closed (1008)', async () => {
    const c = await rawJoined(t.server, token(s, 'observer'));
    for (let i = 0; i < 40; i++)
      c.send({ type: 'command', id: `r${i}`, command: { type: 'start' } });
    const { code } = await c.closed;
    expect(code).toBe(1008);
    const limited = c.queued.filter((f) => f['code'] === 'rateLimited');
    expect(limited.length).toBeGreaterThan(0);
    // Each refusal names its command, so that the sender can try it again later.
    expect(limited.every((e) => typeof e['id'] === 'string')).toBe(true);
    const forbidden = c.queued.filter((f) => f['code'] === 'forbidden').length;
    expect(forbidden).toBeGreaterThan(0); // the burst (less the hello) got through
    expect(forbidden).toBeLessThanOrEqual(10);
  });

  it('a large frame gets tooLarge; a huge one closes the connection (1009)', async () => {
    const c = await rawJoined(t.server, token(s, 'observer'));
    c.send({ type: 'sync', pad: 'x'.repeat(2000) });
    expect(await c.next()).toMatchObject({ type: 'error', code: 'tooLarge' });
    c.send({ type: 'sync' });
    expect(await c.next()).toMatchObject({ type: 'view' });
    c.send('x'.repeat(10_000));
    expect((await c.closed).code).toBe(1009);
  });

  it('a peer that does not answer pings is dropped; one that does stays', async () => {
    const dead = await rawSocket(t.server, { autoPong: false });
    dead.send({ type: 'hello', protocol: PROTOCOL_VERSION, token: token(s, 'team:arl') });
    await dead.next();
    const alive = await rawJoined(t.server, token(s, 'team:bor'));
    const { code } = await dead.closed;
    expect(code).toBe(1006); // terminated, no closing handshake
    expect(alive.ws.readyState).toBe(alive.ws.OPEN);
    alive.ws.close();
  });

  it('caps connections per session', async () => {
    const [a, b, c] = await Promise.all([
      rawJoined(t.server, token(s, 'observer')),
      rawJoined(t.server, token(s, 'observer')),
      rawJoined(t.server, token(s, 'observer')),
    ]);
    const d = await rawSocket(t.server);
    d.send({ type: 'hello', protocol: PROTOCOL_VERSION, token: token(s, 'observer') });
    expect(await d.next()).toMatchObject({ type: 'error', code: 'sessionFull' });
    expect((await d.closed).code).toBe(1013);
    for (const x of [a, b, c]) x.ws.close();
  });
});

describe('caps', () => {
  it('caps connections (HTTP 503 on upgrade) and sessions (HTTP 503)', async () => {
    const t = await startTestServer({ maxConnections: 2, maxSessions: 1 });
    try {
      const s = await newSession(t.server, { scenario: 'tutorial' });
      const again = await api<{ error: { code: string } }>(t.server.url, '/api/sessions', {
        body: { scenario: 'tutorial' },
      });
      expect([again.status, again.body.error.code]).toEqual([503, 'tooManySessions']);
      const a = await rawJoined(t.server, token(s, 'observer'));
      const b = await rawJoined(t.server, token(s, 'observer'));
      await expect(rawSocket(t.server)).rejects.toThrow(/503/);
      a.ws.close();
      await a.closed;
      const c = await rawJoined(t.server, token(s, 'observer'));
      for (const x of [b, c]) x.ws.close();
    } finally {
      await t.stop();
    }
  });
});
