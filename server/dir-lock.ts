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

const held = new Set<string>();

/** Takes the lock of a data directory; resolves to its release. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const key = resolve(dataDir);
  const path = join(dataDir, 'lock');
  if (held.has(key)) throw new Error(`the data directory ${dataDir} is already open`);
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
  held.add(key);
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    held.delete(key);
    await rm(path, { force: true });
  };
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
