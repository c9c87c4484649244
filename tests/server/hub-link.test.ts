/**
 * The link between the server's threads (server/hub-link.ts), with a real session thread and
 * scripted connections: frames in order, backlogs that make a connection lag and catch up,
 * closes that wait for the answers before them, and API failures that cross as ApiErrors.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewFor, type CommandBody, type SessionState } from '../../engine/index.js';
import { ApiError } from '../../server/api-error.js';
import { HubLink, type LinkedConnection } from '../../server/hub-link.js';
import { DEFAULT_LIMITS } from '../../server/limits.js';
import { createLogger, silentLogger } from '../../server/log.js';
import { PROTOCOL_VERSION, type CreateSessionResponse } from '../../server/protocol.js';
import type { Outbound } from '../../server/thread-messages.js';
import { ruling, tempDir, until, wire } from './helpers.js';

class FakeConnection implements LinkedConnection {
  readonly id: number;
  frames: Record<string, unknown>[] = [];
  /** Frames per message (each message is one socket write). */
  deliveries: number[] = [];
  backlog = 0;
  role: string | undefined;
  closed: { code: number; reason: string } | undefined;
  constructor(link: HubLink) {
    this.id = link.connect(this);
  }
  deliver(message: Buffer | undefined, out: Omit<Outbound, 'frames'>): void {
    if (message) {
      const m = JSON.parse(message.toString('utf8')) as unknown;
      const frames = (Array.isArray(m) ? m : [m]) as Record<string, unknown>[];
      this.deliveries.push(frames.length);
      this.frames.push(...frames);
    }
    if (out.role !== undefined) this.role = out.role;
    if (out.close) this.closed = out.close;
  }
  buffered(): number {
    return this.backlog;
  }
  events(): number[] {
    return this.frames.filter((f) => f['type'] === 'event').map((f) => f['seq'] as number);
  }
}

const dir = tempDir();
let link: HubLink;
let session: CreateSessionResponse;
beforeAll(async () => {
  link = await HubLink.start(
    dir,
    {
      ...DEFAULT_LIMITS,
      highWaterBytes: 1000,
      lowWaterBytes: 100,
      maxBufferedBytes: 100_000,
      pushDelayMs: 0,
    },
    silentLogger,
    () => undefined,
  );
  session = await link.call<CreateSessionResponse>({
    op: 'create',
    request: { scenario: 'tutorial', seed: 'link' },
    ws: 'ws://unused',
  });
});
afterAll(async () => {
  await link.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

async function joined(role: string): Promise<FakeConnection> {
  const c = new FakeConnection(link);
  link.frame(c.id, {
    type: 'hello',
    protocol: PROTOCOL_VERSION,
    token: session.tokens[role] ?? '',
  });
  await until(() => c.role !== undefined, 5000, `${role} welcomed`);
  return c;
}

let ids = 0;
async function act(c: FakeConnection, command: CommandBody): Promise<Record<string, unknown>> {
  const id = `k${++ids}`;
  link.frame(c.id, { type: 'command', id, command });
  let answer: Record<string, unknown> | undefined;
  await until(() => (answer = c.frames.find((f) => f['id'] === id)) !== undefined);
  return answer as Record<string, unknown>;
}

describe('the link between the threads', () => {
  it('a connection with a backlog lags, the session goes on, and it catches up once drained', async () => {
    const white = await joined('facilitator');
    const observer = await joined('observer');
    expect(await act(white, { type: 'start' })).toMatchObject({ type: 'ack', seq: 1 });
    await until(() => observer.events().includes(1));

    observer.backlog = 5000; // over the high-water mark
    link.reportBacklogs();
    for (let k = 0; k < 5; k++) {
      expect(await act(white, ruling(k))).toMatchObject({ type: 'ack', seq: k + 2 });
    }
    expect(observer.events()).toEqual([1]);

    observer.backlog = 0;
    link.reportBacklogs();
    await until(() => observer.frames.some((f) => f['type'] === 'view'), 5000, 'catch-up');
    expect(observer.events()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(observer.deliveries.at(-1)).toBe(6); // the catch-up, in one message
    const state = await link.call<SessionState>({ op: 'state', session: session.session });
    expect(state.seq).toBe(6);
    expect(observer.frames.at(-1)?.['view']).toEqual(wire(viewFor(state, 'observer')));

    observer.backlog = 200_000; // past the limit: dropped, to reconnect with lastSeq
    link.reportBacklogs();
    await act(white, ruling(99));
    await until(() => observer.closed !== undefined);
    expect(observer.closed?.code).toBe(4004);
    link.disconnect(observer.id);
    link.disconnect(white.id);
  });

  it('a close asked by the main thread goes out after the answers to the frames before it', async () => {
    const observer = await joined('observer');
    link.frame(observer.id, { type: 'command', id: 'x1', command: ruling(1) });
    link.closeAfterReplies(observer.id, 1008, 'too many bad frames');
    await until(() => observer.closed !== undefined);
    expect(observer.frames.at(-1)).toMatchObject({ type: 'error', id: 'x1', code: 'forbidden' });
    expect(observer.closed).toEqual({ code: 1008, reason: 'too many bad frames' });
  });

  it('a failed API call arrives as an ApiError with its status and code', async () => {
    const err = await link
      .call({ op: 'status', session: 'nope', token: 'x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, code: 'unknownSession' });
    const denied = await link
      .call({ op: 'status', session: session.session, token: 'not-a-token' })
      .catch((e: unknown) => e);
    expect(denied).toMatchObject({ status: 401, code: 'unauthorized' });
  });
});

describe('when the session thread dies', () => {
  it('the link says so, fails every call with 503 and tells the server', async () => {
    const d = tempDir();
    const failures: Error[] = [];
    const lines: string[] = [];
    const l = await HubLink.start(
      d,
      DEFAULT_LIMITS,
      createLogger({ level: 'error', write: (line) => lines.push(line) }),
      (err) => failures.push(err),
    );
    // As if the thread crashed (the link's own worker, reached for this test only).
    await (l as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await until(() => l.failed, 5000, 'the failure');
    expect(failures).toHaveLength(1);
    expect(lines.join('')).toMatch(/the session thread failed/);
    await expect(l.call({ op: 'scenarios' })).rejects.toMatchObject({
      status: 503,
      code: 'unavailable',
    });
    await l.shutdown();
    rmSync(d, { recursive: true, force: true });
  });
});
