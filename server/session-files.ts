/**
 * Appends to the sessions' own log files, without fsync: the journal already made the records
 * durable, so these writes only keep each log complete and readable. They are therefore
 * gathered: a log is written at most once per `writeDelayMs` (sooner once `writeAtChars` are
 * waiting), however many of its appends were acknowledged meanwhile; on a busy server that is
 * several times fewer writes (each costs the event loop a threadpool round trip). Per session,
 * writes keep their order (one at a time; text queued meanwhile goes out in the next write);
 * a checkpoint then fsyncs the logs ({@link SessionFiles.sync}) before the journal is deleted.
 *
 * A log that cannot be written stops its session: {@link SessionFiles.failure} says why, and
 * the store refuses further appends to it. Its journal is then never deleted (the checkpoint
 * fails), so the next start restores the log from it.
 */
import { constants } from 'node:fs';
import { closeFile, datasync, errCode, openFile, writeAll } from './raw-fs.js';

interface LogFile {
  fd: number | undefined;
  /** Text waiting for the next write. */
  queued: string;
  /** A write is queued that will take everything in `queued` when it runs. */
  writing: boolean;
  /** The last operation queued (writes and syncs run one after another). */
  tail: Promise<void>;
  pending: number;
  error: Error | undefined;
}

/** Log writes started per turn of the event loop when the timer fires. */
const WRITES_PER_TURN = 8;

// Never O_CREAT: a log exists from the session's creation; a missing one is an error, not a
// new empty log.
const APPEND = constants.O_WRONLY | constants.O_APPEND;

export interface SessionFilesOptions {
  /** Most log files kept open (least recently used are closed). */
  readonly maxOpen: number;
  /** A log's appended text is written within this many milliseconds… */
  readonly writeDelayMs: number;
  /** … or as soon as this many characters of it are waiting. */
  readonly writeAtChars: number;
}

export class SessionFiles {
  /** Least recently used first. */
  private readonly files = new Map<string, LogFile>();
  private open = 0;
  /** Logs with text waiting for the timer. */
  private readonly waiting = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pathOf: (id: string) => string,
    private readonly options: SessionFilesOptions,
  ) {}

  /** Queues text for a session's log. */
  append(id: string, text: string): void {
    const f = this.file(id);
    if (f.error) return;
    f.queued += text;
    if (f.queued.length >= this.options.writeAtChars) {
      this.write(id, f);
      return;
    }
    this.waiting.add(id);
    if (!this.timer) {
      this.timer = setTimeout(() => this.writeWaiting(), this.options.writeDelayMs);
      this.timer.unref();
    }
  }

  /**
   * Writes the waiting logs a few at a time, a turn of the event loop apart: each write costs
   * the thread a system call, and a hundred at once held up the sessions' commits for
   * milliseconds.
   */
  private writeWaiting(): void {
    this.timer = undefined;
    let n = 0;
    for (const id of this.waiting) {
      if (n++ === WRITES_PER_TURN) {
        setImmediate(() => this.writeWaiting());
        return;
      }
      this.waiting.delete(id);
      const f = this.files.get(id);
      if (f) this.write(id, f);
    }
  }

  /** Queues a write of the log's waiting text (unless one is queued already: it takes it all). */
  private write(id: string, f: LogFile): void {
    if (f.queued === '' || f.writing) return;
    f.writing = true;
    this.enqueue(id, f, async (fd) => {
      f.writing = false;
      const out = f.queued;
      f.queued = '';
      await writeAll(fd, Buffer.from(out, 'utf8'));
    });
  }

  /** Why a session's log could not be written, if it could not. */
  failure(id: string): Error | undefined {
    return this.files.get(id)?.error;
  }

  /** Resolves once everything queued so far for a session is written. */
  async settled(id: string): Promise<void> {
    const f = this.files.get(id);
    if (!f) return;
    this.write(id, f);
    await f.tail;
    if (f.error) throw f.error;
  }

  /** Makes a session's log durable up to everything queued so far (a log moved away: nothing). */
  async sync(id: string): Promise<void> {
    const f = this.file(id);
    this.write(id, f);
    this.enqueue(id, f, (fd) => datasync(fd));
    await this.settled(id);
  }

  /** Waits for a session's writes and closes its log (before the file is moved). */
  async forget(id: string): Promise<void> {
    const f = this.files.get(id);
    if (!f) return;
    this.write(id, f);
    await f.tail;
    this.files.delete(id);
    if (f.fd !== undefined) {
      this.open--;
      await closeFile(f.fd);
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all([...this.files.keys()].map((id) => this.forget(id)));
  }

  private file(id: string): LogFile {
    let f = this.files.get(id);
    if (f) {
      this.files.delete(id); // most recently used goes last
    } else {
      f = {
        fd: undefined,
        queued: '',
        writing: false,
        tail: Promise.resolve(),
        pending: 0,
        error: undefined,
      };
    }
    this.files.set(id, f);
    return f;
  }

  private enqueue(id: string, f: LogFile, op: (fd: number) => Promise<void>): void {
    f.pending++;
    f.tail = f.tail.then(async () => {
      try {
        if (f.error) return;
        if (f.fd === undefined) {
          f.fd = await openFile(this.pathOf(id), APPEND);
          this.open++;
        }
        await op(f.fd);
      } catch (err) {
        // A log moved away (quarantined) has nothing left to sync; anything else is a failure.
        if (errCode(err) !== 'ENOENT' || f.queued !== '') f.error = toError(err);
      } finally {
        f.pending--;
      }
      if (this.open > this.options.maxOpen) await this.evict();
    });
  }

  /** Closes the least recently used idle logs until few enough are open. */
  private async evict(): Promise<void> {
    for (const [id, f] of this.files) {
      if (this.open <= this.options.maxOpen) return;
      // Text still waiting for the timer keeps its log open (and in this map).
      if (f.pending > 0 || f.queued !== '' || f.fd === undefined || f.error) continue;
      const fd = f.fd;
      f.fd = undefined;
      this.open--;
      this.files.delete(id);
      await closeFile(fd);
    }
  }
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
