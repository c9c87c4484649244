/**
 * The store's hot path on plain file descriptors and callbacks (cheaper than FileHandle), plus
 * the two durable-write helpers the rarer paths share.
 *
 * Where the platform has O_DSYNC, a write to a file opened with it returns only once its data
 * is on stable storage (one system call instead of write + fdatasync); elsewhere the caller
 * follows the write with {@link datasync} ({@link writeDurably} and {@link writeZeros} do it
 * themselves).
 */
import {
  close,
  constants,
  fdatasync,
  fdatasyncSync,
  open as openFd,
  write,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';

export const DSYNC: number | undefined = constants.O_DSYNC;

export function openFile(path: string, flags: number | string): Promise<number> {
  return new Promise((resolve, reject) =>
    openFd(path, flags, 0o644, (err, fd) => (err ? reject(err) : resolve(fd))),
  );
}

/** Writes all of `buf` at `position`, or at the end of a file opened for appending (null). */
export function writeAll(fd: number, buf: Buffer, position: number | null = null): Promise<void> {
  return new Promise((resolve, reject) => {
    const from = (offset: number): void => {
      const at = position === null ? null : position + offset;
      write(fd, buf, offset, buf.length - offset, at, (err, written) => {
        if (err) reject(err);
        else if (offset + written < buf.length) from(offset + written);
        else resolve();
      });
    };
    from(0);
  });
}

/**
 * Writes all of `buf` at `position` and makes it durable (the file has O_DSYNC where the
 * platform has it; elsewhere an fdatasync follows), on this thread. The journal's writes take
 * 0.2–0.3 ms of the disk here; through libuv's thread pool their callbacks came back 0.5–3 ms
 * after the write began at the median, and 7–30 ms at p99, under bench:server's load (the pool
 * thread, and then this one, waited for a core). Everything this thread has to send waits for
 * the write anyway. Settles at once; a promise all the same, so that tests can hold a write
 * open.
 */
export function writeDurably(fd: number, buf: Buffer, position: number): Promise<void> {
  try {
    for (let offset = 0; offset < buf.length;) {
      offset += writeSync(fd, buf, offset, buf.length - offset, position + offset);
    }
    if (DSYNC === undefined) fdatasyncSync(fd);
    return Promise.resolve();
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

/**
 * Writes `length` zero bytes at `position`, durably, through libuv's thread pool (the file is
 * O_DSYNC where the platform has it).
 */
export async function writeZeros(fd: number, position: number, length: number): Promise<void> {
  await writeAll(fd, Buffer.alloc(length), position);
  if (DSYNC === undefined) await datasync(fd);
}

export function datasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

export function closeFile(fd: number): Promise<void> {
  return new Promise((resolve, reject) => close(fd, (err) => (err ? reject(err) : resolve())));
}

/** Writes a whole file and fsyncs it (the caller fsyncs the directory). */
export async function writeDurable(path: string, text: string, flag: 'w' | 'wx'): Promise<void> {
  const fh = await open(path, flag);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Makes a directory's entries (files created, renamed or removed in it) durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
}

/** Cuts a file to `keep` bytes, appends `append`, and fdatasyncs it. */
export async function rewriteTail(path: string, keep: number, append: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.truncate(keep);
    const buf = Buffer.from(append, 'utf8');
    for (let done = 0; done < buf.length;) {
      done += (await fh.write(buf, done, buf.length - done, keep + done)).bytesWritten;
    }
    await fh.datasync();
  } finally {
    await fh.close();
  }
}
