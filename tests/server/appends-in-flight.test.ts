/**
 * Several appends of one session in flight: a command that arrives while its session's last
 * append is being written joins the next journal write instead of waiting for that one. The
 * session commits (acks, pushes) strictly in order, and appends that become durable together
 * are published together; the journal makes appends durable in
 * order, and once one of a session's appends fails, every later one of it fails too, so that
 * no log ever has a gap.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FileStore } from '../../server/file-store.js';
import { Hub } from '../../server/hub.js';
import { Journal, type JournalEntry } from '../../server/journal.js';
import { DEFAULT_LIMITS } from '../../server/limits.js';
import { silentLogger } from '../../server/log.js';
import type { LogRecord } from '../../server/store.js';
import { FakePeer, ruling, storeAppending, tempDir, until } from './helpers.js';

/** Journal writes held open until the test settles them (when `hold` is set). */
const writes = vi.hoisted(() => ({
  hold: false,
  held: [] as { settle: (err?: Error) => void }[],
}));
vi.mock(import('../../server/raw-fs.js'), async (importOriginal) => {
  const real = await importOriginal();
  return {
    ...real,
    writeDurably: (fd: number, buf: Buffer, position: number): Promise<void> =>
      writes.hold
        ? new Promise((resolve, reject) => {
            writes.held.push({
              settle: (err) => (err ? reject(err) : resolve(real.writeDurably(fd, buf, position))),
            });
          })
        : real.writeDurably(fd, buf, position),
  };
});

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const freshDir = (): string => {
  const d = tempDir();
  dirs.push(d);
  return d;
};

describe('the journal', () => {
  /** A journal in a fresh directory, and the lines it has made durable, in order. */
  const fresh = (): { journal: Journal; durable: string[] } => {
    const durable: string[] = [];
    const journal = new Journal({
      dir: freshDir(),
      first: 1,
      maxBytes: 1 << 20,
      durable: (entries) => durable.push(...entries.map((e) => e.lines.trim())),
      checkpoint: () => Promise.resolve(),
    });
    return { journal, durable };
  };
  const entry = (id: string, n: number): JournalEntry => ({
    id,
    lines: `${id}${n}\n`,
    journal: `{"s":"${id}","n":${n}}\n`,
  });

  it('fails the appends queued behind a failed write of the same session, and later ones, but no other', async () => {
    const { journal, durable } = fresh();
    writes.hold = true;
    const a1 = journal.append(entry('a', 1));
    await until(() => writes.held.length === 1, 2000, 'the first write');
    writes.hold = false;
    // Behind the write in flight: the same session's next append, and another session's.
    const a2 = journal.append(entry('a', 2));
    const b1 = journal.append(entry('b', 1));
    writes.held.shift()?.settle(new Error('EIO: i/o error'));
    await expect(a1).rejects.toThrow(/EIO/);
    await expect(a2).rejects.toThrow(/EIO/);
    await expect(b1).resolves.toBeUndefined();
    await expect(journal.append(entry('a', 3))).rejects.toThrow(/EIO/);
    await expect(journal.append(entry('b', 2))).resolves.toBeUndefined();
    expect(durable).toEqual(['b1', 'b2']);
    await journal.close();
  });

  it('makes one session’s appends durable in the order they were made', async () => {
    const { journal, durable } = fresh();
    const resolved: number[] = [];
    const appends = [1, 2, 3, 4, 5].map(async (n, k) => {
      if (k > 1) await new Promise((r) => setImmediate(r)); // some in later writes
      await journal.append(entry('a', n));
      resolved.push(n);
    });
    await Promise.all(appends);
    expect(durable).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(resolved).toEqual([1, 2, 3, 4, 5]);
    await journal.close();
  });
});

describe('a live session', () => {
  /** A store whose appends the test settles by hand, in any order. */
  async function heldSession(): Promise<{
    appends: { records: readonly LogRecord[]; settle: (err?: Error) => void }[];
    submit: (k: number) => string;
    white: FakePeer;
    session: NonNullable<ReturnType<Hub['sessions']['get']>>;
    files: FileStore;
  }> {
    const files = await FileStore.open(freshDir());
    const appends: { records: readonly LogRecord[]; settle: (err?: Error) => void }[] = [];
    let holding = false;
    const store = storeAppending(files, (id, records) => {
      if (!holding) return files.append(id, records);
      // Held appends write nothing: the test settles them in any order.
      return new Promise((resolve, reject) =>
        appends.push({ records, settle: (err) => (err ? reject(err) : resolve()) }),
      );
    });
    const hub = new Hub({ store, log: silentLogger, limits: DEFAULT_LIMITS });
    const created = await hub.create({ scenario: 'tutorial', seed: 'in-flight' }, 'ws://x');
    const session = hub.sessions.get(created.session);
    if (!session) throw new Error('no session');
    const white = new FakePeer('facilitator');
    session.join(white, undefined);
    session.submit(white, 'start', { type: 'start' });
    await until(() => white.frames.some((f) => f['type'] === 'ack'));
    white.take();
    holding = true;
    const submit = (k: number): string => {
      session.submit(white, `r${k}`, ruling(k));
      return `r${k}`;
    };
    return { appends, submit, white, session, files };
  }

  const acks = (peer: FakePeer): unknown[] =>
    peer.frames.filter((f) => f['type'] === 'ack').map((f) => [f['id'], f['seq']]);

  it('appends a command while the last append is in flight, and commits in order', async () => {
    const { appends, submit, white, session, files } = await heldSession();
    submit(1);
    await until(() => appends.length === 1, 2000, 'the first append');
    submit(2);
    submit(3);
    await until(() => appends.length === 3, 2000, 'more appends in flight');
    expect(appends.map((a) => a.records.map((r) => ('seq' in r ? r.seq : 'end')))).toEqual([
      [2],
      [3],
      [4],
    ]);
    // The later appends settle first: nothing commits before the earliest one.
    appends[2]?.settle();
    appends[1]?.settle();
    await new Promise((r) => setTimeout(r, 20));
    expect(acks(white)).toEqual([]);
    expect(session.state.seq).toBe(1);
    appends[0]?.settle();
    await until(() => acks(white).length === 3);
    expect(acks(white)).toEqual([
      ['r1', 2],
      ['r2', 3],
      ['r3', 4],
    ]);
    // All three became durable in one go: one push, with one view patch, then the acks.
    expect(white.frames.map((f) => [f['type'], f['seq']])).toEqual([
      ['event', 2],
      ['event', 3],
      ['event', 4],
      ['ack', 2],
      ['ack', 3],
      ['ack', 4],
    ]);
    expect(white.frames.filter((f) => f['view'] !== undefined).map((f) => f['seq'])).toEqual([4]);
    expect(session.state.seq).toBe(4);
    await session.whenIdle();
    await files.close();
  });

  it('answers every command in flight with an error when an append fails, and acks none of them', async () => {
    const { appends, submit, white, session, files } = await heldSession();
    submit(1);
    await until(() => appends.length === 1);
    submit(2);
    await until(() => appends.length === 2);
    appends[0]?.settle(new Error('EIO: i/o error'));
    await until(() => session.failed !== null);
    appends[1]?.settle(new Error('EIO: i/o error')); // as the journal fails it (see above)
    expect(acks(white)).toEqual([]);
    const errors = white.frames.filter((f) => f['type'] === 'error');
    expect(errors.map((f) => [f['id'], f['code']])).toEqual([
      ['r1', 'unavailable'],
      ['r2', 'unavailable'],
    ]);
    expect(session.state.seq).toBe(1);
    expect(white.closedWith).toBe(1011);
    await files.close();
  });
});
