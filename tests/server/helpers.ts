/** Shared set-up for the server tests: a live server on 127.0.0.1, sessions, clients. */
import { mkdtempSync, rmSync } from 'node:fs';
import WebSocket from 'ws';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import {
  createSession,
  step,
  type Command,
  type CommandBody,
  type EngineEvent,
  type Role,
  type SessionState,
} from '../../engine/index.js';
import type { ClientOptions, TtxClient } from '../../server/client.js';
import { connectNode } from '../../server/client-node.js';
import type { Limits } from '../../server/limits.js';
import { PROTOCOL_VERSION, type CreateSessionResponse } from '../../server/protocol.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { FileStore } from '../../server/file-store.js';
import type { Peer } from '../../server/session.js';
import type { SessionStore } from '../../server/store.js';
import { logHeader } from '../../src/log/command-log.js';
import { bundledScenario } from '../helpers/scenarios.js';

export interface TestServer {
  readonly server: RunningServer;
  readonly dataDir: string;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

export function tempDir(prefix = 'ttx-server-'): string {
  return mkdtempSync(joinPath(tmpdir(), prefix));
}

export async function startTestServer(
  limits: Partial<Limits> = {},
  dataDir: string = tempDir(),
): Promise<TestServer> {
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, limits });
  return {
    server,
    dataDir,
    stop: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function api<T>(
  base: string,
  path: string,
  init: { method?: string; body?: unknown; token?: string; raw?: string; type?: string } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (init.token !== undefined) headers['authorization'] = `Bearer ${init.token}`;
  let body: string | undefined;
  if (init.raw !== undefined) {
    body = init.raw;
    headers['content-type'] = init.type ?? 'application/json';
  } else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    ...(body === undefined ? {} : { body }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

export async function newSession(
  server: RunningServer,
  request: { scenario?: string; yaml?: string; seed?: string } = { scenario: 'tutorial' },
): Promise<CreateSessionResponse> {
  const r = await api<CreateSessionResponse>(server.url, '/api/sessions', { body: request });
  if (r.status !== 201) throw new Error(`session creation failed: ${JSON.stringify(r.body)}`);
  return r.body;
}

export function join(
  server: RunningServer,
  token: string,
  options: Partial<Omit<ClientOptions, 'connect' | 'url' | 'token'>> = {},
): Promise<TtxClient> {
  return connectNode({ url: server.wsUrl, token, ...options });
}

/** Resolves when `check` holds, polling; rejects after `ms`. */
export async function until(check: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Reads a stored session back through the store, beside the server that may still be writing
 * the directory (read-only: the log completed from the journal, nothing touched).
 */
export async function storedSession(
  dataDir: string,
  id: string,
): Promise<{ commands: Command[]; ids: (string | undefined)[]; ended: boolean }> {
  const store = await FileStore.open(dataDir, { readOnly: true });
  try {
    const s = await store.load(id);
    return {
      commands: s.records.map((r) => r.command as Command),
      ids: s.records.map((r) => r.id),
      ended: s.end !== undefined,
    };
  } finally {
    await store.close();
  }
}

/** Replays commands of a bundled scenario: the states and events after each seq. */
export function replayAll(
  scenario: string,
  seed: string,
  commands: readonly Command[],
): { states: SessionState[]; events: (readonly EngineEvent[])[] } {
  let state = createSession(bundledScenario(scenario), seed);
  const states = [state];
  const events: (readonly EngineEvent[])[] = [[]];
  for (const c of commands) {
    const r = step(state, c);
    if (!r.ok) throw new Error(`stored command rejected on replay: ${r.error.message}`);
    state = r.state;
    states.push(state);
    events.push(r.events);
  }
  return { states, events };
}

/** JSON round trip: what a value looks like on the wire. */
export const wire = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** A bare WebSocket that queues what it receives: for frame-level tests. */
export interface RawSocket {
  readonly ws: WebSocket;
  send(frame: unknown): void;
  /** The next frame (parsed), waiting up to `ms`. */
  next(ms?: number): Promise<Record<string, unknown>>;
  /** Frames received and not yet taken. */
  readonly queued: Record<string, unknown>[];
  /** Every message received, as parsed: a frame, or an array of frames. */
  readonly messages: readonly unknown[];
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
}

export async function rawSocket(
  server: RunningServer,
  options: WebSocket.ClientOptions = {},
): Promise<RawSocket> {
  const ws = new WebSocket(server.wsUrl, { perMessageDeflate: false, ...options });
  const queued: Record<string, unknown>[] = [];
  const waiters: ((f: Record<string, unknown>) => void)[] = [];
  const messages: unknown[] = [];
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString('utf8')) as unknown;
    messages.push(message);
    // A message is a frame, or several in an array (protocol 2).
    for (const f of (Array.isArray(message) ? message : [message]) as Record<string, unknown>[]) {
      const w = waiters.shift();
      if (w) w(f);
      else queued.push(f);
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    queued,
    messages,
    closed,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    next: (ms = 5000) => {
      const f = queued.shift();
      if (f) return Promise.resolve(f);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no frame in time')), ms);
        waiters.push((frame) => {
          clearTimeout(timer);
          resolve(frame);
        });
      });
    },
  };
}

/** A raw socket that has said hello with `token`; its welcome is taken. */
export async function rawJoined(
  server: RunningServer,
  token: string,
  lastSeq?: number,
): Promise<RawSocket> {
  const s = await rawSocket(server);
  s.send({
    type: 'hello',
    protocol: PROTOCOL_VERSION,
    token,
    ...(lastSeq === undefined ? {} : { lastSeq }),
  });
  const welcome = await s.next();
  if (welcome['type'] !== 'welcome') throw new Error(`no welcome: ${JSON.stringify(welcome)}`);
  return s;
}

/** Creates an empty session `id` in a store, as the server would (a test scenario, seed 's'). */
export async function createEmptySession(store: SessionStore, id: string): Promise<void> {
  const hash = 'a'.repeat(64);
  await store.create(
    {
      format: 1,
      id,
      created: new Date().toISOString(),
      scenario: { id: 'test', title: 'test', hash, source: 'upload' },
      seed: 's',
      tokens: {},
    },
    logHeader({ id: 'test', hash }, 's'),
    'id: test\n',
  );
}

/**
 * A scripted connection for session-level tests: it records the frames it is sent, and reports
 * whatever backlog the test sets.
 */
export class FakePeer implements Peer {
  sentSeq = 0;
  viewSeq = 0;
  lagging = false;
  frames: Record<string, unknown>[] = [];
  queuedBytes = 0;
  closedWith: number | undefined;
  constructor(readonly role: Role) {}
  send(frame: string): void {
    this.frames.push(JSON.parse(frame) as Record<string, unknown>);
  }
  buffered(): number {
    return this.queuedBytes;
  }
  close(code: number): void {
    this.closedWith = code;
  }
  take(): Record<string, unknown>[] {
    const f = this.frames;
    this.frames = [];
    return f;
  }
}

/** A white-cell ruling that any running session accepts (numbered, so that each is distinct). */
export const ruling = (k: number): CommandBody => ({
  type: 'ruling',
  reason: `ruling ${k}`,
  effect: { factors: { security: 0.01 } },
});

/** A store that keeps its sessions in `files` but appends as told (failures, held writes). */
export function storeAppending(files: FileStore, append: SessionStore['append']): SessionStore {
  return {
    list: () => files.list(),
    create: (m, h, t) => files.create(m, h, t),
    load: (id) => files.load(id),
    saveMeta: (m) => files.saveMeta(m),
    quarantine: (id, r) => files.quarantine(id, r),
    close: () => files.close(),
    append,
  };
}
