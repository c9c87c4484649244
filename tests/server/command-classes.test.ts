/**
 * The commands a live session keeps (one per seq, for as long as it runs, and in every log
 * record) share V8 hidden classes, whatever mix of commands came through `submit` before
 * them (see tests/helpers/hidden-class.ts).
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Command } from '../../engine/index.js';
import { FileStore } from '../../server/file-store.js';
import { Hub } from '../../server/hub.js';
import { DEFAULT_LIMITS } from '../../server/limits.js';
import { silentLogger } from '../../server/log.js';
import type { CommandRecord, LogRecord } from '../../server/store.js';
import { otherClasses } from '../helpers/hidden-class.js';
import { FakePeer, storeAppending, tempDir, until } from './helpers.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('commands kept by a session', () => {
  it('share one hidden class per kind of command', async () => {
    const files = await FileStore.open(dir);
    const logged: LogRecord[] = [];
    const store = storeAppending(files, (id, records) => {
      logged.push(...records);
      return files.append(id, records);
    });
    const hub = new Hub({ store, log: silentLogger, limits: DEFAULT_LIMITS });
    const created = await hub.create({ scenario: 'tutorial', seed: 'classes' }, 'ws://x');
    const session = hub.sessions.get(created.session);
    if (!session) throw new Error('no session');
    const white = new FakePeer('facilitator');
    const arl = new FakePeer('team:arl');
    const cas = new FakePeer('team:cas');
    for (const p of [white, arl, cas]) session.join(p, undefined);
    let ids = 0;
    for (const team of ['alliance', 'arl', 'bor', 'cas']) {
      session.submit(white, `c${++ids}`, { type: 'setControl', team, mode: 'human' });
    }
    session.submit(white, `c${++ids}`, { type: 'start' });
    for (let turn = 0; turn < 10; turn++) {
      session.submit(arl, `c${++ids}`, { type: 'diplomacy', target: 'bor' });
      session.submit(cas, `c${++ids}`, { type: 'diplomacy', target: 'arl' });
      await session.whenIdle();
      session.submit(white, `c${++ids}`, { type: 'advance' });
      await session.whenIdle();
    }
    await until(() => logged.length >= ids);
    const commands = logged
      .filter((r): r is CommandRecord => 'command' in r)
      .map((r) => r.command as Command);
    const lobbying = commands.filter((c) => c.type === 'diplomacy');
    const advances = commands.filter((c) => c.type === 'advance');
    expect(lobbying).toHaveLength(20);
    expect(advances).toHaveLength(10);
    expect(otherClasses(lobbying)).toEqual([]);
    expect(otherClasses(advances)).toEqual([]);
    await files.close();
  });
});
