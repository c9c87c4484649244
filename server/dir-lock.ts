/**
 * One writing store per data directory. Opening a store replays and deletes the journal, which
 * would pull the journal out from under a server still running on that directory; so a store
 * holds `<data>/lock` (its process id) while open. A lock left by a process that is gone (a
 * crash) is taken over. This guards against a second server started by mistake; it is not
 * meant to arbitrate two that start at the same instant.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { errCode } from './raw-fs.js';

/** The directories open in this thread (the lock file cannot tell two of a process apart). */
const held = new Set<string>();

/**
 * Claims a data directory within this thread; returns its release. `ttx serve` claims its
 * directory on the main thread, before its session thread takes the lock file.
 */
export function claimDataDir(dataDir: string): () => void {
  const key = resolve(dataDir);
  if (held.has(key)) throw new Error(`the data directory ${dataDir} is already open`);
  held.add(key);
  return () => held.delete(key);
}

/** Takes the lock of a data directory; resolves to its release. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, 'lock');
  const unclaim = claimDataDir(dataDir);
  try {
    await writeLockFile(dataDir, path);
  } catch (err) {
    unclaim();
    throw err;
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    unclaim();
    await rm(path, { force: true });
  };
}

/** Writes our process id into the lock file, unless a live process of another id holds it. */
async function writeLockFile(dataDir: string, path: string): Promise<void> {
  try {
    await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
  } catch (err) {
    if (errCode(err) !== 'EEXIST') throw err;
    const pid = Number((await readFile(path, 'utf8')).trim());
    if (pid !== process.pid && alive(pid)) {
      throw new Error(
        `the data directory ${dataDir} is in use by process ${pid} (if it is not, remove ${path})`,
        { cause: err },
      );
    }
    await writeFile(path, `${process.pid}\n`);
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errCode(err) === 'EPERM'; // someone else's process
  }
}
