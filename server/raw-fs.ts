/**
 * The store's hot path on plain file descriptors and callbacks (cheaper than FileHandle), plus
 * the two durable-write helpers the rarer paths share.
 *
 * Where the platform has O_DSYNC, a write to a file opened with it returns only once its data
 * is on stable storage (one system call instead of write + fdatasync); elsewhere the caller
 * follows the write with {@link datasync}.
 */
import { close, constants, fdatasync, open as openFd, write } from 'node:fs';
import { open } from 'node:fs/promises';

export const DSYNC: number | undefined = constants.O_DSYNC;

export function openFile(path: string, flags: number | string): Promise<number> {
  return new Promise((resolve, reject) =>
    openFd(path, flags, 0o644, (err, fd) => (err ? reject(err) : resolve(fd))),
  );
}

export function writeAll(fd: number, buf: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const from = (offset: number): void => {
      write(fd, buf, offset, buf.length - offset, null, (err, written) => {
        if (err) reject(err);
        else if (offset + written < buf.length) from(offset + written);
        else resolve();
      });
    };
    from(0);
  });
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
