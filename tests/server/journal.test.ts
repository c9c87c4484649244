/**
 * The file store's shared journal: appends of many sessions become durable in one write, and
 * recovery after a crash gives back every acknowledged record exactly once, in order.
 *
 * A crash is simulated by copying the data directory while the store is running (what the disk
 * holds at that instant; the copy's lock names this very process, so it is taken over), then
 * damaging the copy as a power cut could: session logs lose their unsynced tails, the
 * journal's last write is torn.
 */
import { fc, test } from '@fast-check/vitest';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandBody, Role } from '../../engine/index.js';
import { parseLog } from '../../src/log/command-log.js';
import { FileStore, type FileStoreOptions } from '../../server/file-store.js';
import { Hub } from '../../server/hub.js';
import type { JournalWrite } from '../../server/journal.js';
import { DEFAULT_LIMITS } from '../../server/limits.js';
import { createLogger } from '../../server/log.js';
import type { Peer } from '../../server/session.js';
import { CorruptSessionError, type CommandRecord } from '../../server/store.js';
import { createEmptySession, tempDir, until } from './helpers.js';

const dirs: string[] = [];
const stores: FileStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(dir: string, options: FileStoreOptions = {}): Promise<FileStore> {
  const store = await FileStore.open(dir, options);
  if (!options.readOnly) stores.push(store);
  return store;
}

/** A fresh store holding `count` empty sessions. */
async function fresh(
  count: number,
  options: FileStoreOptions = {},
): Promise<{ dir: string; store: FileStore; ids: string[] }> {
  const dir = tempDir('ttx-journal-');
  dirs.push(dir);
  const store = await open(dir, options);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `session-${String(i).padStart(2, '0')}`;
    await createEmptySession(store, id);
    ids.push(id);
  }
  return { dir, store, ids };
}

const rec = (seq: number): CommandRecord => ({
  seq,
  command: { by: 'facilitator', type: 'ruling', reason: `ruling ${seq}` },
  id: `c${seq}`,
});

/** Appends `rounds` records to every session, one per session and round, in parallel. */
async function play(
  store: FileStore,
  ids: readonly string[],
  from: number,
  to: number,
  pauseMs = 0,
) {
  for (let seq = from; seq <= to; seq++) {
    await Promise.all(ids.map((id) => store.append(id, [rec(seq)])));
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

/** What the disk holds right now, as a new data directory. */
function crashCopy(dir: string): string {
  const copy = tempDir('ttx-journal-crash-');
  dirs.push(copy);
  cpSync(dir, copy, { recursive: true });
  return copy;
}

const logOf = (dir: string, id: string): string => joinPath(dir, 'sessions', `${id}.jsonl`);
const journalFiles = (dir: string): string[] =>
  readdirSync(joinPath(dir, 'journal')).filter((f) => f.endsWith('.wal'));
const headerBytes = (dir: string, id: string): number =>
  readFileSync(logOf(dir, id), 'utf8').indexOf('\n') + 1;

/** A journal file's records: its text up to the zeros written ahead of them. */
function walText(path: string): string {
  const text = readFileSync(path, 'utf8');
  const end = text.indexOf('\0');
  return end < 0 ? text : text.slice(0, end);
}

/** Writes `bytes` into a journal file `gap` bytes past the end of its records, over its zeros. */
function writePastRecords(path: string, bytes: string, gap = 0): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, Buffer.byteLength(walText(path)) + gap);
  } finally {
    closeSync(fd);
  }
}

async function seqs(store: FileStore, id: string): Promise<number[]> {
  const s = await store.load(id);
  for (const r of s.records) expect(r).toEqual(rec(r.seq));
  return s.records.map((r) => r.seq);
}

const upTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe('group commit', () => {
  it('acknowledges the appends of many sessions in one journal write', async () => {
    const writes: JournalWrite[] = [];
    const { dir, store, ids } = await fresh(50, { onJournalWrite: (w) => writes.push(w) });
    await Promise.all(ids.map((id) => store.append(id, [rec(1)])));
    expect(writes.map((w) => w.appends)).toEqual([50]);
    // Appends that arrive while a write is in flight share the next one.
    const first = Promise.all(ids.slice(0, 25).map((id) => store.append(id, [rec(2)])));
    await new Promise((resolve) => setImmediate(resolve));
    const second = Promise.all(ids.slice(25).map((id) => store.append(id, [rec(2)])));
    await Promise.all([first, second]);
    expect(writes.map((w) => w.appends)).toEqual([50, 25, 25]);

    // The journal names each line's session and holds the log's very line.
    const wal = joinPath(dir, 'journal', '1.wal');
    const lines = walText(wal).trimEnd().split('\n');
    expect(lines).toHaveLength(100);
    // Written over zeros written ahead of them (1 MiB at first), which the file still ends with.
    const records = Buffer.byteLength(walText(wal));
    const file = readFileSync(wal);
    expect(file.length).toBeGreaterThanOrEqual(1 << 20);
    expect(file.subarray(records).every((b) => b === 0)).toBe(true);
    expect(lines[0]).toBe(`{"s":"session-00","r":${JSON.stringify(rec(1))}}`);
    for (const id of ids) expect(await seqs(store, id)).toEqual([1, 2]);

    // Closing checkpoints: the logs hold everything, the journal is gone.
    await store.close();
    stores.length = 0;
    expect(journalFiles(dir)).toEqual([]);
    expect(existsSync(joinPath(dir, 'lock'))).toBe(false);
    const log = parseLog(readFileSync(logOf(dir, 'session-07'), 'utf8'), 'session-07.jsonl');
    expect(log.commands).toEqual([rec(1).command, rec(2).command]);
  });

  it('lets a load see every record appended so far', async () => {
    const { store, ids } = await fresh(3);
    for (let seq = 1; seq <= 5; seq++) {
      await Promise.all(ids.map((id) => store.append(id, [rec(seq)])));
      expect(await seqs(store, ids[1] ?? '')).toEqual(upTo(seq));
    }
  });
});

describe('recovery', () => {
  it('drops a torn last journal line, whole or cut, and what follows the first zero byte', async () => {
    const { dir, store, ids } = await fresh(2);
    await play(store, ids, 1, 5);
    const line6 = `{"s":"session-01","r":${JSON.stringify(rec(6))}}\n`;
    for (const [torn, beyond] of [
      [`{"s":"session-00","r":{"seq":6,"command":{"by":"fac`, ''],
      [line6.trimEnd(), ''], // complete, but its newline never made it
      // The disk kept a later part of the last write but not the part before it.
      ['', line6.slice(100)],
      [line6.slice(0, 50), line6.slice(100)],
    ] as const) {
      const copy = crashCopy(dir);
      const wal = joinPath(copy, 'journal', '1.wal');
      writePastRecords(wal, torn);
      if (beyond !== '') writePastRecords(wal, beyond, 100);
      for (const id of ids) truncateSync(logOf(copy, id), headerBytes(copy, id));
      const again = await open(copy);
      for (const id of ids) expect(await seqs(again, id)).toEqual(upTo(5));
      expect(journalFiles(copy)).toEqual([]);
    }
  });

  it('gives logs that lost their unsynced tail every acknowledged record back, once', async () => {
    const { dir, store, ids } = await fresh(4);
    await play(store, ids, 1, 6);
    await Promise.all(ids.map((id) => store.load(id))); // the logs are complete on disk
    const copy = crashCopy(dir);
    const [gone, midLine, whole, short] = ids as [string, string, string, string];
    const lines = readFileSync(logOf(copy, midLine), 'utf8').split('\n');
    truncateSync(logOf(copy, gone), headerBytes(copy, gone));
    truncateSync(logOf(copy, midLine), Buffer.byteLength(lines.slice(0, 3).join('\n')) + 10);
    truncateSync(
      logOf(copy, short),
      Buffer.byteLength(
        readFileSync(logOf(copy, short), 'utf8').split('\n').slice(0, 4).join('\n'),
      ) + 1,
    );
    const again = await open(copy);
    const repaired = new Map<string, string | undefined>();
    for (const id of ids) {
      const s = await again.load(id);
      expect(s.records).toEqual(upTo(6).map(rec));
      repaired.set(id, s.repaired);
    }
    expect(repaired.get(gone)).toBe('restored 6 record(s) from the journal');
    expect(repaired.get(midLine)).toBe('restored 4 record(s) from the journal');
    expect(repaired.get(whole)).toBeUndefined();
    expect(repaired.get(short)).toBe('restored 3 record(s) from the journal');
    // The logs are whole again as files: `ttx replay` reads them as they are.
    for (const id of ids) {
      expect(parseLog(readFileSync(logOf(copy, id), 'utf8'), id).commands).toHaveLength(6);
    }
  });

  it('replaces garbage after the synced part of a log with the journal records', async () => {
    const { dir, store, ids } = await fresh(2);
    await play(store, ids, 1, 4);
    const [bad, good] = ids as [string, string];
    // Logs are written a little after their records are durable: wait for these ones.
    const logLines = (): number => readFileSync(logOf(dir, bad), 'utf8').split('\n').length;
    await until(() => logLines() === 6, 5000, 'the log written');
    const copy = crashCopy(dir);
    const lines = readFileSync(logOf(copy, bad), 'utf8').split('\n');
    writeFileSync(
      logOf(copy, bad),
      `${lines.slice(0, 2).join('\n')}\n\0\0\0\0 garbage\n{"seq":3,"command":{}}\n{"seq":9`,
    );
    const again = await open(copy);
    const s = await again.load(bad);
    expect(s.records).toEqual(upTo(4).map(rec));
    expect(s.repaired).toMatch(
      /^replaced \d+ bytes that differed from the journal; restored 3 record/,
    );
    expect(await seqs(again, good)).toEqual(upTo(4));
  });

  it('rotates a tiny journal mid-stream, and recovers from the journals a crash left', async () => {
    const writes: JournalWrite[] = [];
    const { dir, store, ids } = await fresh(3, {
      journalMaxBytes: 400,
      onJournalWrite: (w) => writes.push(w),
    });
    // A write takes a fraction of a millisecond, and the next file is opened in the
    // background: paced, every round leaves it time to be ready (unpaced, a loaded machine
    // makes several rounds before it is, and fewer files).
    await play(store, ids, 1, 15, 2);
    const copy = crashCopy(dir);
    await play(store, ids, 16, 30, 2);
    expect(new Set(writes.map((w) => w.file)).size).toBeGreaterThan(5);
    // Old journals are checkpointed and deleted as new ones begin.
    await until(() => journalFiles(dir).length <= 2, 5000, 'the checkpoints');
    await store.close();
    stores.length = 0;
    expect(journalFiles(dir)).toEqual([]);
    const after = await open(dir);
    for (const id of ids) expect(await seqs(after, id)).toEqual(upTo(30));
    // The crash copy: its logs lose whatever the journals it kept still hold.
    const journaled = journalFiles(copy).map((f) =>
      readFileSync(joinPath(copy, 'journal', f), 'utf8'),
    );
    for (const id of ids) {
      const first = Math.min(
        ...journaled.flatMap((t) =>
          [...t.matchAll(new RegExp(`^\\{"s":"${id}","r":\\{"seq":(\\d+)`, 'gm'))].map((m) =>
            Number(m[1]),
          ),
        ),
      );
      const lines = readFileSync(logOf(copy, id), 'utf8').split('\n');
      truncateSync(logOf(copy, id), Buffer.byteLength(lines.slice(0, first).join('\n')) + 1);
    }
    const recovered = await open(copy);
    for (const id of ids) expect(await seqs(recovered, id)).toEqual(upTo(15));
  });

  it('quarantines a session whose synced records are missing', async () => {
    const { dir, store, ids } = await fresh(2, { journalMaxBytes: 200 });
    await play(store, ids, 1, 20);
    await until(() => !journalFiles(dir).includes('1.wal'), 5000, 'a checkpoint');
    const copy = crashCopy(dir);
    const [cut, good] = ids as [string, string];
    truncateSync(logOf(copy, cut), headerBytes(copy, cut));
    const again = await open(copy);
    await expect(again.load(cut)).rejects.toThrow(
      /its command log ends at seq 0, but the journal resumes at seq \d+: records a checkpoint made durable are missing/,
    );
    expect(await seqs(again, good)).toEqual(upTo(20));
  });

  it('sets aside the sessions a damaged middle journal line may concern', async () => {
    const { dir, store, ids } = await fresh(3);
    await play(store, ids, 1, 4);
    const [hit, ...others] = ids as [string, string, string];
    // A damaged line that still names its session: that session only.
    const named = crashCopy(dir);
    const wal = joinPath(named, 'journal', '1.wal');
    const lines = readFileSync(wal, 'utf8').split('\n');
    const k = lines.findIndex((l) => l.startsWith(`{"s":"${hit}","r":{"seq":2`));
    lines[k] = (lines[k] ?? '').slice(0, 30);
    writeFileSync(wal, lines.join('\n'));
    const again = await open(named);
    expect(await again.list()).toEqual(ids);
    const err: unknown = await again.load(hit).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptSessionError);
    expect((err as Error).message).toBe(
      `journal 1.wal line ${k + 1} is damaged: an acknowledged command of this session may be ` +
        `lost; the journal's lines for it are kept in ${hit}.unapplied.jsonl`,
    );
    // Its log is untouched; the journal's lines for it are kept, damaged one included.
    const kept = readFileSync(again.unappliedPath(hit), 'utf8').trimEnd().split('\n');
    expect(kept).toHaveLength(5);
    expect(JSON.parse(kept[0] ?? '')).toEqual({ unapplied: (err as Error).message });
    for (const id of others) expect(await seqs(again, id)).toEqual(upTo(4));

    // A line too damaged to name a session: every session of that journal file.
    const anonymous = crashCopy(dir);
    const wal2 = joinPath(anonymous, 'journal', '1.wal');
    writeFileSync(wal2, readFileSync(wal2, 'utf8').replace(/^.*$/m, 'xx'));
    const third = await open(anonymous);
    for (const id of ids) {
      await expect(third.load(id)).rejects.toThrow(/line 1 is damaged and names no session/);
    }
  });

  it('a reader beside the server completes a log from the journal, touching nothing', async () => {
    const { dir, store, ids } = await fresh(1);
    await play(store, ids, 1, 5);
    const copy = crashCopy(dir);
    const [id] = ids as [string];
    truncateSync(logOf(copy, id), headerBytes(copy, id));
    const size = statSync(logOf(copy, id)).size;
    const reader = await open(copy, { readOnly: true });
    expect(await seqs(reader, id)).toEqual(upTo(5));
    expect(statSync(logOf(copy, id)).size).toBe(size);
    expect(journalFiles(copy)).toEqual(['1.wal']);
    await expect(reader.append(id, [rec(6)])).rejects.toThrow(/read-only/);
  });
});

describe('the data directory lock', () => {
  it('refuses a second store on a directory in use, and takes over a dead one', async () => {
    const { dir, store } = await fresh(1);
    await expect(FileStore.open(dir)).rejects.toThrow(/already open/);
    await store.close();
    stores.length = 0;
    writeFileSync(joinPath(dir, 'lock'), `${process.ppid}\n`); // alive, and not us
    await expect(FileStore.open(dir)).rejects.toThrow(
      /in use by process \d+ \(if it is not, remove/,
    );
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(joinPath(dir, 'lock'), `${dead}\n`);
    const again = await open(dir);
    expect(readFileSync(joinPath(dir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
    expect(await again.list()).toEqual(['session-00']);
  });
});

describe('recovery through the hub', () => {
  class Quiet implements Peer {
    sentSeq = 0;
    viewSeq = 0;
    lagging = false;
    acks = 0;
    constructor(readonly role: Role) {}
    send(frame: string): void {
      if ((JSON.parse(frame) as { type: string }).type === 'ack') this.acks++;
    }
    buffered(): number {
      return 0;
    }
    close(): void {}
  }

  it('quarantines a session with a damaged journal line or no log, with a clear line; the others run', async () => {
    const dir = tempDir('ttx-journal-hub-');
    dirs.push(dir);
    const store = await open(dir);
    const quiet = createLogger({ level: 'error', write: () => undefined });
    const hub = new Hub({ store, log: quiet, limits: DEFAULT_LIMITS });
    const ids: string[] = [];
    for (const seed of ['a', 'b', 'c']) {
      const { session } = await hub.create({ scenario: 'tutorial', seed }, 'ws://x');
      const s = hub.sessions.get(session);
      if (!s) throw new Error('no session');
      const white = new Quiet('facilitator');
      s.join(white, undefined);
      const commands: CommandBody[] = [
        { type: 'start' },
        { type: 'ruling', reason: 'one', effect: { factors: { security: 0.01 } } },
        { type: 'ruling', reason: 'two', effect: { factors: { security: 0.01 } } },
      ];
      for (const [k, c] of commands.entries()) s.submit(white, `c${k}`, c);
      await until(() => white.acks === commands.length);
      ids.push(session);
    }
    const copy = crashCopy(dir);
    const [damaged, gone, fine] = ids as [string, string, string];
    const wal = joinPath(copy, 'journal', '1.wal');
    const lines = readFileSync(wal, 'utf8').split('\n');
    const k = lines.findIndex((l) => l.startsWith(`{"s":"${damaged}"`));
    lines[k] = (lines[k] ?? '').slice(0, 40);
    writeFileSync(wal, lines.join('\n'));
    for (const f of readdirSync(joinPath(copy, 'sessions'))) {
      if (f.startsWith(gone)) rmSync(joinPath(copy, 'sessions', f));
    }

    const logged: string[] = [];
    const again = await open(copy);
    const hub2 = new Hub({
      store: again,
      log: createLogger({ level: 'info', write: (l) => logged.push(l) }),
      limits: DEFAULT_LIMITS,
    });
    expect(await hub2.recover()).toEqual({ restored: 1, quarantined: 2 });
    expect(hub2.sessions.get(fine)?.state.seq).toBe(3);
    const line = (id: string): unknown =>
      JSON.parse(logged.find((l) => l.includes(`session ${id} quarantined`)) ?? '{}');
    expect(line(damaged)).toMatchObject({
      level: 'error',
      msg: expect.stringMatching(
        `^session ${damaged} quarantined: journal 1\\.wal line ${k + 1} is damaged: an acknowledged command`,
      ) as unknown,
    });
    expect(line(gone)).toMatchObject({
      level: 'error',
      msg: `session ${gone} quarantined: its command log is missing, but the journal holds 3 record(s) for it; the journal's lines for it are kept in ${gone}.unapplied.jsonl`,
    });
    const moved = readdirSync(joinPath(copy, 'quarantine'));
    for (const id of [damaged, gone]) {
      expect(moved.some((f) => f.startsWith(`${id}.unapplied.jsonl.`))).toBe(true);
      expect(existsSync(again.unappliedPath(id))).toBe(false);
    }
  });
});

describe('crash at any point', () => {
  const step = fc.record({
    session: fc.nat({ max: 3 }),
    records: fc.integer({ min: 1, max: 3 }),
    pause: fc.boolean(),
  });
  test.prop(
    [
      fc.array(step, { minLength: 1, maxLength: 40 }),
      fc.nat(),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
      fc.boolean(),
    ],
    { numRuns: 12 },
  )(
    'a reopened store holds every acknowledged record once, in order (logs cut anywhere)',
    async (steps, crashAt, cuts, tiny) => {
      // Tiny journals rotate all the time: logs are then cut only down to their synced part.
      const { dir, store, ids } = await fresh(4, tiny ? { journalMaxBytes: 300 } : {});
      const submitted = ids.map(() => 0);
      const acked = ids.map(() => 0);
      const chains = ids.map(() => Promise.resolve());
      let copy: string | undefined;
      let ackedAtCrash: number[] = [];
      let submittedAtCrash: number[] = [];
      const crash = (): string => {
        ackedAtCrash = [...acked];
        submittedAtCrash = [...submitted];
        return crashCopy(dir);
      };
      const crashStep = crashAt % (steps.length + 1);
      for (const [i, s] of steps.entries()) {
        if (i === crashStep) copy = crash();
        const n = s.session;
        const from = submitted[n] ?? 0;
        submitted[n] = from + s.records;
        const records = Array.from({ length: s.records }, (_, k) => rec(from + k + 1));
        // Several appends of a session in flight, as the sessions do it: they resolve in order.
        const appended = store.append(ids[n] ?? '', records).then(() => {
          if (acked[n] !== from) throw new Error(`append ${from + 1}… resolved out of order`);
          acked[n] = from + s.records;
        });
        chains[n] = Promise.all([chains[n], appended]).then(() => undefined);
        if (s.pause) await new Promise((resolve) => setImmediate(resolve));
      }
      copy ??= crash();
      await Promise.all(chains);

      const journaled = journalFiles(copy).map((f) =>
        readFileSync(joinPath(copy, 'journal', f), 'utf8'),
      );
      for (const [n, id] of ids.entries()) {
        // The synced part: up to the first record the journals still hold (none: all of it).
        const first = Math.min(
          ...journaled.flatMap((t) =>
            [...t.matchAll(new RegExp(`^\\{"s":"${id}","r":\\{"seq":(\\d+)`, 'gm'))].map((m) =>
              Number(m[1]),
            ),
          ),
        );
        const log = readFileSync(logOf(copy, id));
        const lines = log.toString('utf8').split('\n');
        const synced = Number.isFinite(first)
          ? Buffer.byteLength(lines.slice(0, first).join('\n')) + 1
          : log.length;
        truncateSync(logOf(copy, id), synced + Math.floor((cuts[n] ?? 0) * (log.length - synced)));
      }
      const again = await open(copy);
      for (const [n, id] of ids.entries()) {
        const got = await seqs(again, id);
        // Every acknowledged record, and nothing but a prefix of what was submitted after it.
        expect(got.length).toBeGreaterThanOrEqual(ackedAtCrash[n] ?? 0);
        expect(got).toEqual(upTo(got.length));
        expect(got.length).toBeLessThanOrEqual(submittedAtCrash[n] ?? 0);
      }
      await again.close();
      stores.splice(stores.indexOf(again), 1);
      await store.close();
      stores.splice(stores.indexOf(store), 1);
    },
  );
});
