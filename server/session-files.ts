/**
 * Appends to the sessions' own log files, without fsync: the journal already made the records
 * durable, so these writes only keep each log complete and readable. Per session, writes keep
 * their order (one at a time; text queued meanwhile goes out in the next write); a checkpoint
 * then fsyncs the logs ({@link SessionFiles.sync}) before the journal is deleted.
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
  /** The last operation queued (writes and syncs run one after another). */
  tail: Promise<void>;
  pending: number;
  error: Error | undefined;
}

// Never O_CREAT: a log exists from the session's creation; a missing one is an error, not a
// new empty log.
const APPEND = constants.O_WRONLY | constants.O_APPEND;

export class SessionFiles {
  /** Least recently used first. */
  private readonly files = new Map<string, LogFile>();
  private open = 0;

  constructor(
    private readonly pathOf: (id: string) => string,
    private readonly maxOpen: number,
  ) {}

  /** Queues text for a session's log. */
  append(id: string, text: string): void {
    const f = this.file(id);
    if (f.error) return;
    const first = f.queued === '';
    f.queued += text;
    if (first) {
      this.enqueue(id, f, async (fd) => {
        const out = f.queued;
        f.queued = '';
        await writeAll(fd, Buffer.from(out, 'utf8'));
      });
    }
  }

  /** Why a session's log could not be written, if it could not. */
  failure(id: string): Error | undefined {
    return this.files.get(id)?.error;
  }

  /** Resolves once everything queued so far for a session is written. */
  async settled(id: string): Promise<void> {
    const f = this.files.get(id);
    if (!f) return;
    await f.tail;
    if (f.error) throw f.error;
  }

  /** Makes a session's log durable up to everything queued so far (a log moved away: nothing). */
  async sync(id: string): Promise<void> {
    const f = this.file(id);
    this.enqueue(id, f, (fd) => datasync(fd));
    await this.settled(id);
  }

  /** Waits for a session's writes and closes its log (before the file is moved). */
  async forget(id: string): Promise<void> {
    const f = this.files.get(id);
    if (!f) return;
    await f.tail;
    this.files.delete(id);
    if (f.fd !== undefined) {
      this.open--;
      await closeFile(f.fd);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.files.keys()].map((id) => this.forget(id)));
  }

  private file(id: string): LogFile {
    let f = this.files.get(id);
    if (f) {
      this.files.delete(id); // most recently used goes last
    } else {
      f = { fd: undefined, queued: '', tail: Promise.resolve(), pending: 0, error: undefined };
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
      if (this.open > this.maxOpen) await this.evict();
    });
  }

  /** Closes the least recently used idle logs until few enough are open. */
  private async evict(): Promise<void> {
    for (const [id, f] of this.files) {
      if (this.open <= this.maxOpen) return;
      if (f.pending > 0 || f.fd === undefined || f.error) continue;
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
