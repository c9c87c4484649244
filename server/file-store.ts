/**
 * The embedded session store: plain files in a data directory, no database server.
 *
 *   <data>/sessions/<id>.jsonl          the command log (src/log/command-log.ts format)
 *   <data>/sessions/<id>.scenario.yaml  the scenario text the session was created from
 *   <data>/sessions/<id>.meta.json      tokens (hashed), seed, origin
 *   <data>/journal/<n>.wal              the journal: records not yet checkpointed, all sessions
 *   <data>/lock                         the process id of the server using the directory
 *   <data>/quarantine/                  sessions that could not be trusted, and why
 *
 * Durability comes from the journal (server/journal.ts): an append resolves once its records
 * are in the journal, written together with every other session's appends of that moment and
 * made durable by one O_DSYNC write. Then the same lines are appended to the session's log,
 * without fsync; a checkpoint (journal past `journalMaxBytes`, and on close) fsyncs those logs
 * and deletes the journal. So the session logs stay the canonical, readable record — the log
 * header names the scenario file next to it, so `ttx replay <data>/sessions/<id>.jsonl` works
 * as is — and after a clean stop they hold everything.
 *
 * `open` first replays what a crash left in the journal into the logs
 * (server/journal-recovery.ts); a session that cannot be recovered from it fails to load, and
 * the server quarantines it. A log can also have a torn last line without a journal (damage by
 * hand, or a log written before the journal existed): `load` drops it and says so; damage
 * anywhere else makes the session corrupt.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { LogHeader } from '../src/log/command-log.js';
import { lockDataDir } from './dir-lock.js';
import { journalLine, scanJournals } from './journal-file.js';
import { mergeLog } from './journal-merge.js';
import { recoverJournals, unappliedReason } from './journal-recovery.js';
import { Journal, type JournalWrite } from './journal.js';
import { CommandLine, EndLine, HeaderLine } from './log-lines.js';
import { errCode, rewriteTail, syncDir, writeDurable } from './raw-fs.js';
import { SessionFiles } from './session-files.js';
import {
  CorruptSessionError,
  SESSION_ID,
  type CommandRecord,
  type LogRecord,
  type SessionMeta,
  type SessionStore,
  type StoredSession,
} from './store.js';

const MetaSchema = z.object({
  format: z.literal(1),
  id: z.string().regex(SESSION_ID),
  created: z.string(),
  scenario: z.object({
    id: z.string(),
    title: z.string(),
    hash: z.string(),
    source: z.enum(['bundled', 'upload']),
  }),
  seed: z.string(),
  tokens: z.record(z.string(), z.string()),
});

export interface FileStoreOptions {
  /** Most log files kept open for appending (least recently used are closed). */
  readonly maxOpenFiles?: number;
  /**
   * A session log trails its durable journal lines by at most this long (default 1 s):
   * its writes are gathered (see server/session-files.ts).
   */
  readonly logWriteDelayMs?: number;
  /** Past this size the journal is checkpointed and a new one begun (default 64 MiB). */
  readonly journalMaxBytes?: number;
  /**
   * A reader beside the server that writes the directory: no lock, no recovery, no writes;
   * `load` completes a log from the journal the way recovery would, without touching files.
   */
  readonly readOnly?: boolean;
  /** Called after each journal write (tests and measurements count them). */
  readonly onJournalWrite?: (write: JournalWrite) => void;
}

export class FileStore implements SessionStore {
  readonly sessionsDir: string;
  readonly quarantineDir: string;
  readonly journalDir: string;
  private readonly files: SessionFiles;
  /** Undefined when read-only. */
  private journal: Journal | undefined;
  private unlock: (() => Promise<void>) | undefined;
  /** What recovery repaired, by session, until its first load reports it. */
  private repairs = new Map<string, string>();

  private constructor(
    private readonly dataDir: string,
    private readonly options: FileStoreOptions,
  ) {
    this.sessionsDir = join(dataDir, 'sessions');
    this.quarantineDir = join(dataDir, 'quarantine');
    this.journalDir = join(dataDir, 'journal');
    this.files = new SessionFiles((id) => this.logPath(id), {
      maxOpen: options.maxOpenFiles ?? 512,
      writeDelayMs: options.logWriteDelayMs ?? 1000,
      writeAtChars: 64 * 1024,
    });
  }

  /** Opens (creating if needed) a data directory, replaying what a crash left in the journal. */
  static async open(dataDir: string, options: FileStoreOptions = {}): Promise<FileStore> {
    const store = new FileStore(dataDir, options);
    if (!options.readOnly) await store.start();
    return store;
  }

  private async start(): Promise<void> {
    await mkdir(this.sessionsDir, { recursive: true });
    await mkdir(this.journalDir, { recursive: true });
    const unlock = await lockDataDir(this.dataDir);
    try {
      this.repairs = await recoverJournals(this);
    } catch (err) {
      await unlock();
      throw err;
    }
    this.unlock = unlock;
    this.journal = new Journal({
      dir: this.journalDir,
      first: 1,
      maxBytes: this.options.journalMaxBytes ?? 64 * 1024 * 1024,
      durable: (entries) => {
        for (const e of entries) this.files.append(e.id, e.lines);
      },
      checkpoint: async (sessions) => {
        // One at a time: a checkpoint should leave the threadpool to the appends.
        for (const id of sessions) await this.files.sync(id);
      },
      onWrite: this.options.onJournalWrite,
    });
  }

  logPath(id: string): string {
    return join(this.sessionsDir, `${id}.jsonl`);
  }
  /** Journal lines recovery could not apply (the session is then quarantined). */
  unappliedPath(id: string): string {
    return join(this.sessionsDir, `${id}.unapplied.jsonl`);
  }
  private metaPath(id: string): string {
    return join(this.sessionsDir, `${id}.meta.json`);
  }
  private scenarioFile(id: string): string {
    return `${id}.scenario.yaml`;
  }

  private writable(): Journal {
    if (!this.journal) throw new Error(`the store of ${this.dataDir} is read-only`);
    return this.journal;
  }

  async list(): Promise<string[]> {
    const ids = new Set<string>();
    for (const name of await readdir(this.sessionsDir)) {
      const m = /^(.+?)\.(jsonl|meta\.json|scenario\.yaml|unapplied\.jsonl)$/.exec(name);
      if (m?.[1] !== undefined && SESSION_ID.test(m[1])) ids.add(m[1]);
    }
    return [...ids].sort();
  }

  async create(meta: SessionMeta, header: LogHeader, scenarioText: string): Promise<void> {
    this.writable();
    check(meta.id);
    const file = this.scenarioFile(meta.id);
    await writeDurable(join(this.sessionsDir, file), scenarioText, 'wx');
    await writeDurable(this.metaPath(meta.id), `${JSON.stringify(meta)}\n`, 'wx');
    // The log is written last: a session exists once its log does.
    const head: LogHeader = { ...header, scenario: { ...header.scenario, file } };
    await writeDurable(this.logPath(meta.id), `${JSON.stringify(head)}\n`, 'wx');
    await syncDir(this.sessionsDir);
  }

  async load(id: string): Promise<StoredSession> {
    check(id);
    const corrupt = (message: string): CorruptSessionError => new CorruptSessionError(id, message);
    const unapplied = await unappliedReason(this.unappliedPath(id));
    if (unapplied !== undefined) throw corrupt(unapplied);
    await this.files.settled(id); // a write that failed fails the load with its own error
    let logBytes: Buffer;
    try {
      logBytes = await this.logBytes(id);
    } catch (err) {
      if (err instanceof CorruptSessionError) throw err;
      throw corrupt(`no command log (${errCode(err)}): its creation never completed`);
    }
    let meta: SessionMeta;
    try {
      meta = MetaSchema.parse(JSON.parse(await readFile(this.metaPath(id), 'utf8')));
    } catch (err) {
      throw corrupt(`meta file unreadable (${err instanceof Error ? errCode(err) : String(err)})`);
    }
    if (meta.id !== id) throw corrupt(`meta file names session '${meta.id}'`);
    const tail = repairTail(id, logBytes);
    if (tail.fix && this.journal) {
      await rewriteTail(this.logPath(id), tail.fix.keep, tail.fix.append);
    }
    const recovered = this.repairs.get(id);
    this.repairs.delete(id);
    const repaired = [recovered, tail.repaired].filter((r) => r !== undefined).join('; ');
    const lines = tail.bytes.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    const parse = (i: number): unknown => {
      try {
        return JSON.parse(lines[i] ?? '');
      } catch {
        throw corrupt(`command log line ${i + 1} is not JSON`);
      }
    };
    const head = HeaderLine.safeParse(parse(0));
    if (!head.success)
      throw corrupt('command log line 1 is not a ttx command-log header (format 1)');
    const header = head.data as LogHeader;
    if (header.scenario.hash !== meta.scenario.hash || header.seed !== meta.seed) {
      throw corrupt('the command log header does not match the meta file');
    }
    const file = header.scenario.file ?? this.scenarioFile(id);
    if (file !== this.scenarioFile(id)) throw corrupt(`unexpected scenario file '${file}'`);
    let scenarioText: string;
    try {
      scenarioText = await readFile(join(this.sessionsDir, file), 'utf8');
    } catch (err) {
      throw corrupt(`scenario file unreadable (${errCode(err)})`);
    }
    const records: CommandRecord[] = [];
    let end: StoredSession['end'];
    for (let i = 1; i < lines.length; i++) {
      const value = parse(i);
      if (end) throw corrupt(`command log line ${i + 1}: nothing may follow the end line`);
      const e = EndLine.safeParse(value);
      if (e.success) {
        end = e.data.end;
        continue;
      }
      const c = CommandLine.safeParse(value);
      if (!c.success) throw corrupt(`command log line ${i + 1} is not a command record`);
      if (c.data.seq !== records.length + 1) {
        throw corrupt(
          `command log line ${i + 1}: expected seq ${records.length + 1}, found ${c.data.seq}`,
        );
      }
      records.push({
        seq: c.data.seq,
        command: c.data.command,
        ...(c.data.id === undefined ? {} : { id: c.data.id }),
        ...(c.data.stateHash === undefined ? {} : { stateHash: c.data.stateHash }),
      });
    }
    return {
      meta,
      header,
      scenarioText,
      records,
      ...(end ? { end } : {}),
      ...(repaired ? { repaired } : {}),
    };
  }

  /**
   * A session's log as it stands: once its queued writes are done, or (read-only) completed
   * from the journal, which is read first: a journal checkpointed meanwhile is in the log.
   */
  private async logBytes(id: string): Promise<Buffer> {
    if (this.journal) return readFile(this.logPath(id));
    const journal = (await scanJournals(this.journalDir)).sessions.get(id);
    const log = await readFile(this.logPath(id));
    if (!journal) return log;
    if (journal.damaged !== undefined) throw new CorruptSessionError(id, journal.damaged);
    const merge = mergeLog(log, journal);
    if (!merge.ok) throw new CorruptSessionError(id, merge.reason);
    return Buffer.concat([log.subarray(0, merge.keep), Buffer.from(merge.append, 'utf8')]);
  }

  async append(id: string, records: readonly LogRecord[]): Promise<void> {
    check(id);
    const failed = this.files.failure(id);
    if (failed) throw failed;
    // Each record is stringified once, for the journal and the session's log alike.
    let lines = '';
    let journal = '';
    let ends = false;
    for (const r of records) {
      const json = JSON.stringify(r);
      lines += `${json}\n`;
      journal += journalLine(id, json);
      ends ||= 'end' in r;
    }
    await this.writable().append({ id, lines, journal });
    // An ended exercise's log is whole on disk before its last ack (`ttx replay`, reports).
    if (ends) await this.files.settled(id);
  }

  async saveMeta(meta: SessionMeta): Promise<void> {
    this.writable();
    check(meta.id);
    const tmp = `${this.metaPath(meta.id)}.tmp`;
    await writeDurable(tmp, `${JSON.stringify(meta)}\n`, 'w');
    await rename(tmp, this.metaPath(meta.id));
    await syncDir(this.sessionsDir);
  }

  async quarantine(id: string, reason: string): Promise<string> {
    this.writable();
    check(id);
    await this.files.forget(id);
    await mkdir(this.quarantineDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const names = [
      `${id}.jsonl`,
      `${id}.meta.json`,
      this.scenarioFile(id),
      `${id}.unapplied.jsonl`,
    ];
    for (const name of names) {
      try {
        await rename(join(this.sessionsDir, name), join(this.quarantineDir, `${name}.${stamp}`));
      } catch (err) {
        if (errCode(err) !== 'ENOENT') throw err;
      }
    }
    await writeFile(join(this.quarantineDir, `${id}.${stamp}.reason.txt`), `${reason}\n`);
    await syncDir(this.sessionsDir);
    await syncDir(this.quarantineDir);
    return this.quarantineDir;
  }

  /** Checkpoints the journal (every log fsync'd, the journal deleted) and releases the lock. */
  async close(): Promise<void> {
    if (!this.journal) return;
    try {
      await this.journal.close();
    } finally {
      await this.files.close();
      await this.unlock?.();
    }
  }
}

/**
 * A torn last line (its write was cut off: never acknowledged) is cut; a complete one that lost
 * its newline gets it back. `fix` says how to do the same to the file.
 */
function repairTail(
  id: string,
  bytes: Buffer,
): { bytes: Buffer; repaired?: string; fix?: { keep: number; append: string } } {
  if (bytes.length === 0) throw new CorruptSessionError(id, 'the command log is empty');
  const newline = bytes[bytes.length - 1] === 0x0a;
  const start = bytes.lastIndexOf(0x0a, newline ? bytes.length - 2 : bytes.length - 1) + 1;
  const last = bytes.subarray(start, newline ? bytes.length - 1 : bytes.length);
  let whole: boolean;
  try {
    const v: unknown = JSON.parse(last.toString('utf8'));
    whole = typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    whole = false;
  }
  if (whole && newline) return { bytes };
  if (start === 0) {
    throw new CorruptSessionError(id, 'the command log header is torn: creation never completed');
  }
  if (whole) {
    return {
      bytes: Buffer.concat([bytes, Buffer.from('\n')]),
      repaired: 'completed a last line that had lost its newline',
      fix: { keep: bytes.length, append: '\n' },
    };
  }
  return {
    bytes: bytes.subarray(0, start),
    repaired: `dropped a torn last line (${bytes.length - start} bytes, never acknowledged)`,
    fix: { keep: start, append: '' },
  };
}

function check(id: string): void {
  if (!SESSION_ID.test(id)) throw new Error(`bad session id '${id}'`);
}
