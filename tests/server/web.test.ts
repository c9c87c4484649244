/**
 * What `ttx serve` offers browsers: the web client's static files (content types, cache
 * headers, app routes, no path traversal, a plain message when the client is not built), and
 * an ended session's command log and after-action report for the white cell.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, hashState, step } from '../../engine/index.js';
import { parseLog } from '../../src/log/command-log.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { bundledScenario } from '../helpers/scenarios.js';
import { api, join, newSession, startTestServer, tempDir, type TestServer } from './helpers.js';

describe('the web client', () => {
  let outer: string;
  let root: string;
  let dataDir: string;
  let server: RunningServer;
  beforeAll(async () => {
    // The client's folder, and next to it a file no request may reach.
    outer = mkdtempSync(joinPath(tmpdir(), 'ttx-webroot-'));
    root = joinPath(outer, 'web');
    mkdirSync(joinPath(root, 'assets'), { recursive: true });
    writeFileSync(joinPath(root, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(joinPath(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(joinPath(root, 'assets', 'index-abc123.css'), 'body{}');
    writeFileSync(joinPath(root, 'favicon.svg'), '<svg/>');
    writeFileSync(joinPath(outer, 'ttx-secret.txt'), 'QZX-OUTSIDE-THE-ROOT');
    dataDir = tempDir();
    server = await startServer({ port: 0, dataDir, webRoot: root });
  });
  afterAll(async () => {
    await server.close();
    rmSync(outer, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (path: string, method = 'GET'): Promise<Response> =>
    fetch(`${server.url}${path}`, { method });

  it('serves the app at its routes, with a strict content policy and no cache', async () => {
    for (const path of ['/', '/play']) {
      const r = await get(path);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(r.headers.get('cache-control')).toBe('no-cache');
      expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(await r.text()).toContain('<title>app</title>');
    }
    // A browser asking for another page gets the app too (it says the page does not exist),
    // with a 404; other clients get the API's JSON 404.
    const page = await fetch(`${server.url}/nowhere`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('<title>app</title>');
    const other = await get('/nowhere');
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('serves hashed assets for good, other files revalidated, each with its type', async () => {
    const js = await get('/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await js.text()).toBe('console.log(1)');
    const css = await get('/assets/index-abc123.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const svg = await get('/favicon.svg');
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.headers.get('cache-control')).toBe('no-cache');
    const head = await get('/assets/index-abc123.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('14');
    expect(await head.text()).toBe('');
  });

  it('never leaves its folder, and answers 404 for missing files', async () => {
    for (const path of [
      '/assets/missing.js',
      '/../ttx-secret.txt',
      '/%2e%2e/ttx-secret.txt',
      '/assets/%2e%2e/%2e%2e/ttx-secret.txt',
      '/assets/..%2f..%2fttx-secret.txt',
      '/%00.js',
      '/assets',
    ]) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(await r.text()).not.toContain('QZX-OUTSIDE-THE-ROOT');
    }
    expect((await get('/', 'DELETE')).status).toBe(404);
  });

  it('says in plain words how to build the client when it is missing', async () => {
    const data = tempDir();
    const bare = await startServer({ port: 0, dataDir: data, webRoot: joinPath(root, 'nope') });
    try {
      const r = await fetch(`${bare.url}/`);
      expect(r.status).toBe(503);
      expect(await r.text()).toContain('npm run build:web');
      expect((await fetch(`${bare.url}/api/scenarios`)).status).toBe(200);
    } finally {
      await bare.close();
      rmSync(data, { recursive: true, force: true });
    }
  });
});

describe('an ended session: its log and after-action report', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('are for the white cell, once the exercise has ended', async () => {
    const s = await newSession(t.server, { scenario: 'tutorial', seed: '9' });
    const token = (role: string): string => s.tokens[role] ?? '';
    const path = `/api/sessions/${s.session}`;
    const white = await join(t.server, token('facilitator'));
    await white.send({ type: 'start' });

    const running = await api<{ error: { code: string } }>(t.server.url, `${path}/log`, {
      token: token('facilitator'),
    });
    expect(running.status).toBe(409);
    expect(running.body.error.code).toBe('notEnded');

    while ((await t.server.state(s.session))?.status !== 'ended') {
      await white.send({ type: 'advance' });
    }
    const ended = await t.server.state(s.session);
    const status = await api<{ outcome: unknown }>(t.server.url, path, {
      token: token('team:arl'),
    });
    expect(status.body.outcome).toEqual(ended?.outcome);

    // Teams and observers may not; a token is needed; a token of another session will not do.
    for (const role of ['team:arl', 'observer']) {
      const r = await api<{ error: { code: string } }>(t.server.url, `${path}/report`, {
        token: token(role),
      });
      expect(r.status).toBe(403);
    }
    expect((await fetch(`${t.server.url}${path}/log`)).status).toBe(401);
    const other = await newSession(t.server, { scenario: 'tutorial' });
    expect(
      (await fetch(`${t.server.url}${path}/log?token=${other.tokens['facilitator']}`)).status,
    ).toBe(401);

    // The log, by a link with the token: `ttx replay` replays it to the session's state.
    const log = await fetch(`${t.server.url}${path}/log?token=${token('facilitator')}`);
    expect(log.status).toBe(200);
    expect(log.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(log.headers.get('content-disposition')).toBe(
      `attachment; filename="ttx-tutorial-${s.session}.jsonl"`,
    );
    const parsed = parseLog(await log.text(), 'downloaded.jsonl');
    expect(parsed.header.scenario).toEqual({ id: 'tutorial', hash: s.scenario.hash });
    let state = createSession(bundledScenario('tutorial'), parsed.header.seed);
    for (const c of parsed.commands) {
      const r = step(state, c);
      if (!r.ok) throw new Error(r.error.message);
      state = r.state;
    }
    expect(parsed.end).toEqual({ seq: state.seq, stateHash: hashState(state) });
    expect(hashState(state)).toBe(ended ? hashState(ended) : '');

    // The report, as HTML (self-contained) and as Markdown.
    const html = await fetch(`${t.server.url}${path}/report`, {
      headers: { authorization: `Bearer ${token('facilitator')}` },
    });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    const text = await html.text();
    expect(text).toContain('Operation Tutorial');
    expect(text).not.toMatch(/<script/);
    const md = await fetch(`${t.server.url}${path}/report?format=md&token=${token('facilitator')}`);
    expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(await md.text()).toMatch(/^# /);
    for (const bad of ['format=pdf', 'futures=-1', 'futures=1.5', 'futures=100000']) {
      const r = await fetch(`${t.server.url}${path}/report?${bad}&token=${token('facilitator')}`);
      expect(r.status, bad).toBe(400);
    }
    await white.close();
  });
});
