/**
 * The embedded session store: plain files in a data directory, no database server.
 *
 *   <data>/sessions/<id>.jsonl          the command log (src/log/command-log.ts format)
 *   <data>/sessions/<id>.scenario.yaml  the scenario text the session was created from
 *   <data>/sessions/<id>.meta.json      tokens (hashed), seed, origin
 *   <data>/quarantine/                  sessions that could not be trusted, and why
 *
 * Appends are written and fdatasync'd before they resolve. The log header names the scenario
 * file next to it, so `ttx replay <data>/sessions/<id>.jsonl` works as is. A crash can leave
 * a torn last line (a write that never reached its fsync, so it was never acknowledged):
 * `load` drops it and says so; damage anywhere else makes the session corrupt.
 */
import { close as closeFd, constants, fdatasync, open as openFd, write as writeFd } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { LogHeader } from '../src/log/command-log.js';
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

const HeaderSchema = z.looseObject({
  ttx: z.literal('command-log'),
  format: z.literal(1),
  scenario: z.looseObject({ id: z.string(), hash: z.string(), file: z.string().optional() }),
  seed: z.string(),
  engineVersion: z.string(),
});

const CommandLine = z.looseObject({
  seq: z.number().int().min(1),
  command: z.unknown(),
  id: z.string().optional(),
  stateHash: z.string().optional(),
});
const EndLine = z.looseObject({
  end: z.object({ seq: z.number().int().min(0), stateHash: z.string() }),
});

export interface FileStoreOptions {
  /** Most log files kept open for appending (least recently used are closed). */
  readonly maxOpenFiles?: number;
}

export class FileStore implements SessionStore {
  readonly sessionsDir: string;
  readonly quarantineDir: string;
  private readonly handles = new Map<string, { fd: number; busy: boolean }>();
  private readonly maxOpen: number;

  private constructor(dataDir: string, options: FileStoreOptions) {
    this.sessionsDir = join(dataDir, 'sessions');
    this.quarantineDir = join(dataDir, 'quarantine');
    this.maxOpen = options.maxOpenFiles ?? 512;
  }

  /** Opens (creating if needed) a data directory. */
  static async open(dataDir: string, options: FileStoreOptions = {}): Promise<FileStore> {
    const store = new FileStore(dataDir, options);
    await mkdir(store.sessionsDir, { recursive: true });
    return store;
  }

  logPath(id: string): string {
    return join(this.sessionsDir, `${id}.jsonl`);
  }
  private metaPath(id: string): string {
    return join(this.sessionsDir, `${id}.meta.json`);
  }
  private scenarioFile(id: string): string {
    return `${id}.scenario.yaml`;
  }

  async list(): Promise<string[]> {
    const ids = new Set<string>();
    for (const name of await readdir(this.sessionsDir)) {
      const m = /^(.+?)\.(jsonl|meta\.json|scenario\.yaml)$/.exec(name);
      if (m?.[1] !== undefined && SESSION_ID.test(m[1])) ids.add(m[1]);
    }
    return [...ids].sort();
  }

  async create(meta: SessionMeta, header: LogHeader, scenarioText: string): Promise<void> {
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
    let logBytes: Buffer;
    try {
      logBytes = await readFile(this.logPath(id));
    } catch (err) {
      throw corrupt(`no command log (${errCode(err)}): its creation never completed`);
    }
    let meta: SessionMeta;
    try {
      meta = MetaSchema.parse(JSON.parse(await readFile(this.metaPath(id), 'utf8')));
    } catch (err) {
      throw corrupt(`meta file unreadable (${err instanceof Error ? errCode(err) : String(err)})`);
    }
    if (meta.id !== id) throw corrupt(`meta file names session '${meta.id}'`);
    const { bytes, repaired } = await this.repairTail(id, logBytes);
    const lines = bytes.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    const parse = (i: number): unknown => {
      try {
        return JSON.parse(lines[i] ?? '');
      } catch {
        throw corrupt(`command log line ${i + 1} is not JSON`);
      }
    };
    const head = HeaderSchema.safeParse(parse(0));
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
   * A crash can tear the last line (written, never fsync'd, never acknowledged). An
   * unparseable last line is cut off; a complete one that lost its newline gets it back.
   */
  private async repairTail(
    id: string,
    bytes: Buffer,
  ): Promise<{ bytes: Buffer; repaired?: string }> {
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
    const fh = await open(this.logPath(id), 'r+');
    try {
      if (whole) {
        await fh.write('\n', bytes.length);
        await fh.datasync();
        return {
          bytes: Buffer.concat([bytes, Buffer.from('\n')]),
          repaired: 'completed a last line that had lost its newline',
        };
      }
      await fh.truncate(start);
      await fh.datasync();
      return {
        bytes: bytes.subarray(0, start),
        repaired: `dropped a torn last line (${bytes.length - start} bytes, never acknowledged)`,
      };
    } finally {
      await fh.close();
    }
  }

  async append(id: string, records: readonly LogRecord[]): Promise<void> {
    const h = await this.handle(id);
    h.busy = true;
    try {
      let text = '';
      for (const r of records) text += `${JSON.stringify(r)}\n`;
      await writeAll(h.fd, Buffer.from(text, 'utf8'));
      if (!DSYNC) await datasync(h.fd);
    } finally {
      h.busy = false;
    }
    if (this.handles.size > this.maxOpen) await this.evict();
  }

  async saveMeta(meta: SessionMeta): Promise<void> {
    check(meta.id);
    const tmp = `${this.metaPath(meta.id)}.tmp`;
    await writeDurable(tmp, `${JSON.stringify(meta)}\n`, 'w');
    await rename(tmp, this.metaPath(meta.id));
    await syncDir(this.sessionsDir);
  }

  async quarantine(id: string, reason: string): Promise<string> {
    check(id);
    await this.closeHandle(id);
    await mkdir(this.quarantineDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    for (const name of [`${id}.jsonl`, `${id}.meta.json`, this.scenarioFile(id)]) {
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

  async close(): Promise<void> {
    for (const id of [...this.handles.keys()]) await this.closeHandle(id);
  }

  private async handle(id: string): Promise<{ fd: number; busy: boolean }> {
    let h = this.handles.get(id);
    if (h) {
      this.handles.delete(id); // most recently used goes last
    } else {
      check(id);
      h = { fd: await openAppend(this.logPath(id)), busy: false };
    }
    this.handles.set(id, h);
    return h;
  }

  private async evict(): Promise<void> {
    for (const [id, h] of this.handles) {
      if (this.handles.size <= this.maxOpen) return;
      if (!h.busy) await this.closeHandle(id);
    }
  }

  private async closeHandle(id: string): Promise<void> {
    const h = this.handles.get(id);
    if (!h) return;
    this.handles.delete(id);
    await new Promise<void>((resolve, reject) =>
      closeFd(h.fd, (err) => (err ? reject(err) : resolve())),
    );
  }
}

/**
 * Appends use plain file descriptors and callbacks (the hot path; cheaper than FileHandle).
 * Where the platform has O_DSYNC, each write returns only once its data is on stable storage
 * (one system call instead of write + fdatasync); elsewhere fdatasync follows the write.
 */
const DSYNC = constants.O_DSYNC;

function openAppend(path: string): Promise<number> {
  const flags = DSYNC ? constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | DSYNC : 'a';
  return new Promise((resolve, reject) =>
    openFd(path, flags, 0o644, (err, fd) => (err ? reject(err) : resolve(fd))),
  );
}

function writeAll(fd: number, buf: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const from = (offset: number): void => {
      writeFd(fd, buf, offset, buf.length - offset, null, (err, written) => {
        if (err) reject(err);
        else if (offset + written < buf.length) from(offset + written);
        else resolve();
      });
    };
    from(0);
  });
}

function datasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

function check(id: string): void {
  if (!SESSION_ID.test(id)) throw new Error(`bad session id '${id}'`);
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
}

async function writeDurable(path: string, text: string, flag: 'w' | 'wx'): Promise<void> {
  const fh = await open(path, flag);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
