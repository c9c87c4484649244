/** The HTTP routes: health, scenarios, session creation, tokens and their revocation. */
import { readFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectError } from '../../server/client.js';
import type { HealthLatency } from '../../server/latency.js';
import type { CreateSessionResponse } from '../../server/protocol.js';
import { api, join, newSession, rawJoined, startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.stop();
});

const tok = (s: CreateSessionResponse, role: string): string => {
  const x = s.tokens[role];
  if (x === undefined) throw new Error(`no token for ${role}`);
  return x;
};

describe('HTTP', () => {
  it('GET /healthz', async () => {
    const r = await api<{ status: string; sessions: number }>(t.server.url, '/healthz');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ok');
  });

  it('GET /healthz: latency figures since the last ?reset', async () => {
    const latency = async (query = ''): Promise<HealthLatency> =>
      (await api<{ latency: HealthLatency }>(t.server.url, `/healthz${query}`)).body.latency;
    await latency('?reset');
    expect((await latency()).journalWrites.count).toBe(0);
    const s = await newSession(t.server, { scenario: 'tutorial' });
    const white = await join(t.server, tok(s, 'facilitator'));
    await white.send({ type: 'start' });
    await white.send({ type: 'advance' });
    await white.close();
    const l = await latency('?reset');
    expect(l.journalWrites.count).toBeGreaterThanOrEqual(1);
    expect(l.journalWrites.max).toBeGreaterThan(0);
    expect(l.journalWrites.p50).toBeLessThanOrEqual(l.journalWrites.max);
    // Start and advance: two acks, each after a durable write.
    expect(l.sessionAcks.count).toBe(2);
    expect(l.sessionAcks.max).toBeGreaterThan(0);
    for (const loop of [l.mainLoopDelay, l.sessionLoopDelay]) {
      expect(loop.p50).toBeLessThanOrEqual(loop.p99);
      expect(loop.p99).toBeLessThanOrEqual(loop.max);
    }
    for (const busy of [l.mainLoopBusy, l.sessionLoopBusy]) {
      expect(busy).toBeGreaterThanOrEqual(0);
      expect(busy).toBeLessThanOrEqual(1);
    }
    for (const gc of [l.mainGc, l.sessionGc]) {
      for (const pauses of [gc.young, gc.full]) expect(pauses.p50).toBeLessThanOrEqual(pauses.max);
    }
    const after = await latency();
    expect([after.journalWrites.count, after.sessionAcks.count]).toEqual([0, 0]); // reset
    // Both threads' loops are sampled every 10 ms, and start over at a reset.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = await latency('?reset');
    const since = await latency();
    for (const k of ['mainLoopDelay', 'sessionLoopDelay'] as const) {
      expect(before[k].count).toBeGreaterThanOrEqual(10);
      expect(since[k].count).toBeLessThan(before[k].count);
    }
  });

  it("GET /healthz: a thread's busy share covers the time since the last ?reset", async () => {
    const busy = async (query = ''): Promise<number> =>
      (await api<{ latency: HealthLatency }>(t.server.url, `/healthz${query}`)).body.latency
        .mainLoopBusy;
    await busy('?reset');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const idle = await busy('?reset');
    // The test server's network thread is this one: hold it for 300 ms.
    for (const until = performance.now() + 300; performance.now() < until;);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const held = await busy();
    expect(idle).toBeLessThan(0.5);
    expect(held).toBeGreaterThan(0.5);
  });

  it('GET /api/scenarios lists the bundled scenarios with their teams', async () => {
    const r = await api<{ id: string; title: string; teams: { id: string }[] }[]>(
      t.server.url,
      '/api/scenarios',
    );
    expect(r.status).toBe(200);
    const ids = r.body.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['tutorial', 'kosovo-1999']));
    expect(r.body.find((s) => s.id === 'tutorial')?.teams.map((x) => x.id)).toContain('arl');
  });

  it('POST /api/sessions: one unguessable token per role', async () => {
    const s = await newSession(t.server, { scenario: 'tutorial' });
    expect(Object.keys(s.tokens).sort()).toEqual(
      [
        'facilitator',
        'observer',
        'team:alliance',
        'team:arl',
        'team:bor',
        'team:cas',
        'team:mer',
        'team:white',
      ].sort(),
    );
    const tokens = Object.values(s.tokens);
    expect(new Set(tokens).size).toBe(tokens.length);
    for (const x of tokens) expect(x).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 random bits
    expect(s.seed).toMatch(/^[0-9a-f]{16}$/); // random when not given
    expect(s.ws).toBe(t.server.wsUrl);
    // The data directory holds token hashes, never tokens.
    const meta = readFileSync(joinPath(t.dataDir, 'sessions', `${s.session}.meta.json`), 'utf8');
    for (const x of tokens) expect(meta).not.toContain(x);
  });

  it('POST /api/sessions with an uploaded scenario: validated by the loader', async () => {
    const yaml = readFileSync('scenarios/tutorial.yaml', 'utf8');
    const ok = await api<CreateSessionResponse>(t.server.url, '/api/sessions?seed=up', {
      raw: yaml,
      type: 'application/yaml',
    });
    expect(ok.status).toBe(201);
    expect(ok.body.seed).toBe('up');
    expect(ok.body.scenario.id).toBe('tutorial');
    const stored = readFileSync(
      joinPath(t.dataDir, 'sessions', `${ok.body.session}.scenario.yaml`),
      'utf8',
    );
    expect(stored).toBe(yaml);
    const bad = await api<{ error: { code: string; issues: string[] } }>(
      t.server.url,
      '/api/sessions',
      {
        body: { yaml: yaml.replace(/maxTurns: \d+/, 'maxTurns: many') },
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalidScenario');
    expect(bad.body.error.issues[0]).toMatch(/^upload\.yaml:\d+:\d+ error: clock\.maxTurns/);
  });

  it('refuses bad requests with a clear error', async () => {
    const cases: [unknown, number, string][] = [
      [{ scenario: 'tutorial', yaml: 'x' }, 400, 'badRequest'],
      [{}, 400, 'badRequest'],
      [{ scenario: 'nope' }, 404, 'unknownScenario'],
      [{ scenario: 'tutorial', extra: 1 }, 400, 'badRequest'],
      [{ scenario: 'tutorial', seed: '' }, 400, 'badRequest'],
    ];
    for (const [body, status, code] of cases) {
      const r = await api<{ error: { code: string } }>(t.server.url, '/api/sessions', { body });
      expect([r.status, r.body.error.code], JSON.stringify(body)).toEqual([status, code]);
    }
    const json = await api<{ error: { code: string } }>(t.server.url, '/api/sessions', {
      raw: '{',
    });
    expect([json.status, json.body.error.code]).toEqual([400, 'badJson']);
    const big = await api<{ error: { code: string } }>(t.server.url, '/api/sessions', {
      raw: JSON.stringify({ yaml: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect([big.status, big.body.error.code]).toEqual([413, 'tooLarge']);
    expect((await api(t.server.url, '/nowhere')).status).toBe(404);
    expect((await api(t.server.url, '/api/sessions')).status).toBe(405);
  });

  it('GET /api/sessions/:id needs a token of that session; the seed is for the facilitator', async () => {
    const a = await newSession(t.server, { scenario: 'tutorial', seed: 'secret' });
    const b = await newSession(t.server, { scenario: 'tutorial' });
    const path = `/api/sessions/${a.session}`;
    expect((await api(t.server.url, path)).status).toBe(401);
    expect((await api(t.server.url, path, { token: tok(b, 'facilitator') })).status).toBe(401);
    const team = await api<Record<string, unknown>>(t.server.url, path, {
      token: tok(a, 'team:arl'),
    });
    expect(team.body).toMatchObject({ role: 'team:arl', seq: 0, status: 'setup' });
    expect(team.body['seed']).toBeUndefined();
    const white = await api<Record<string, unknown>>(t.server.url, path, {
      token: tok(a, 'facilitator'),
    });
    expect(white.body['seed']).toBe('secret');
  });

  it('the facilitator revokes a token: its connections close, it no longer joins', async () => {
    const s = await newSession(t.server, { scenario: 'tutorial' });
    const path = `/api/sessions/${s.session}/revoke`;
    const arl = await rawJoined(t.server, tok(s, 'team:arl'));
    const bor = await rawJoined(t.server, tok(s, 'team:bor'));
    const denied = await api(t.server.url, path, {
      token: tok(s, 'team:bor'),
      body: { role: 'team:arl' },
    });
    expect(denied.status).toBe(403);
    const r = await api<{ role: string; token?: string }>(t.server.url, path, {
      token: tok(s, 'facilitator'),
      body: { role: 'team:arl', reissue: true },
    });
    expect(r.status).toBe(200);
    expect((await arl.closed).code).toBe(4001);
    expect(bor.ws.readyState).toBe(bor.ws.OPEN);
    await expect(join(t.server, tok(s, 'team:arl'))).rejects.toBeInstanceOf(ConnectError);
    const fresh = await join(t.server, r.body.token ?? '');
    expect(fresh.role).toBe('team:arl');
    await fresh.close();
    bor.ws.close();
    const noFacilitator = await api<{ error: { code: string } }>(t.server.url, path, {
      token: tok(s, 'facilitator'),
      body: { role: 'facilitator' },
    });
    expect(noFacilitator.status).toBe(400);
    const unknown = await api(t.server.url, path, {
      token: tok(s, 'facilitator'),
      body: { role: 'team:nobody' },
    });
    expect(unknown.status).toBe(400);
  });

  it('revocation over the WebSocket, facilitator only', async () => {
    const s = await newSession(t.server, { scenario: 'tutorial' });
    const white = await join(t.server, tok(s, 'facilitator'));
    const obs = await rawJoined(t.server, tok(s, 'observer'));
    const arl = await join(t.server, tok(s, 'team:arl'));
    await expect(arl.revoke('observer')).rejects.toThrow(/forbidden/);
    const r = await white.revoke('observer');
    expect(r).toEqual({ type: 'revoked', role: 'observer' });
    expect((await obs.closed).code).toBe(4001);
    await expect(join(t.server, tok(s, 'observer'))).rejects.toBeInstanceOf(ConnectError);
    // Replacing its own token keeps the facilitator's connection open.
    const mine = await white.revoke('facilitator', true);
    expect(mine.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(white.connected).toBe(true);
    await white.close();
    await arl.close();
  });
});
