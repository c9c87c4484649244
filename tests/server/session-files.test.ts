/**
 * Session logs behind the journal (server/session-files.ts): their writes are gathered, yet no
 * text is ever dropped, and an ended exercise's log is whole on disk before its last ack.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStore } from '../../server/file-store.js';
import { SessionFiles } from '../../server/session-files.js';
import { createEmptySession, tempDir, until } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A directory with empty log files a, b, c. */
function logs(): { path: (id: string) => string; read: (id: string) => string } {
  const dir = tempDir('ttx-session-files-');
  dirs.push(dir);
  const path = (id: string): string => joinPath(dir, `${id}.jsonl`);
  for (const id of ['a', 'b', 'c']) writeFileSync(path(id), '');
  return { path, read: (id) => readFileSync(path(id), 'utf8') };
}

describe('session log files', () => {
  it('gathers the appends of a log into a later write', async () => {
    const { path, read } = logs();
    const files = new SessionFiles(path, { maxOpen: 8, writeDelayMs: 50, writeAtChars: 1 << 20 });
    for (let i = 1; i <= 3; i++) files.append('a', `line ${i}\n`);
    expect(read('a')).toBe(''); // nothing written yet: the delay gathers them
    await until(() => read('a') === 'line 1\nline 2\nline 3\n', 5000, 'the gathered write');
    await files.close();
  });

  it('writes at once past the size threshold, and settles and closes with nothing lost', async () => {
    const { path, read } = logs();
    const files = new SessionFiles(path, { maxOpen: 8, writeDelayMs: 60_000, writeAtChars: 10 });
    files.append('a', 'short\n');
    files.append('b', 'short\n');
    files.append('a', 'a longer line\n');
    await until(() => read('a') === 'short\na longer line\n', 5000, 'the threshold write');
    expect(read('b')).toBe('');
    await files.settled('b');
    expect(read('b')).toBe('short\n');
    files.append('c', 'waiting\n');
    await files.close();
    expect(read('c')).toBe('waiting\n');
  });

  it('never closes a log (least recently used) while its text waits for the timer', async () => {
    const { path, read } = logs();
    // One open file at most; a's second line waits while b's write opens b and evicts.
    const files = new SessionFiles(path, { maxOpen: 1, writeDelayMs: 60_000, writeAtChars: 10 });
    files.append('a', 'a first, long\n');
    await files.settled('a');
    files.append('a', 'a2\n');
    files.append('b', 'b first, long\n');
    files.append('c', 'c first, long\n');
    await files.settled('b');
    await files.settled('c');
    await files.close();
    expect(read('a')).toBe('a first, long\na2\n');
    expect(read('b')).toBe('b first, long\n');
    expect(read('c')).toBe('c first, long\n');
  });

  it('has an ended session’s log whole on disk once its end line is acknowledged', async () => {
    const dir = tempDir('ttx-session-files-store-');
    dirs.push(dir);
    const store = await FileStore.open(dir, { logWriteDelayMs: 60_000 });
    const hash = 'a'.repeat(64);
    await createEmptySession(store, 'session-99');
    const log = joinPath(dir, 'sessions', 'session-99.jsonl');
    const command = { by: 'facilitator' as const, type: 'ruling' as const, reason: 'r' };
    await store.append('session-99', [{ seq: 1, command, id: 'c1' }]);
    expect(readFileSync(log, 'utf8').split('\n')).toHaveLength(2); // header only, for now
    await store.append('session-99', [
      { seq: 2, command, id: 'c2' },
      { end: { seq: 2, stateHash: hash } },
    ]);
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[3] ?? '')).toEqual({ end: { seq: 2, stateHash: hash } });
    await store.close();
  });
});
