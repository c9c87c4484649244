/**
 * The file store and recovery: logs written by the server replay to the same state; a torn
 * last line is repaired; any other damage quarantines the session (with a clear log line)
 * while the others are restored.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashState, type CommandBody, type Role } from '../../engine/index.js';
import { FileStore } from '../../server/file-store.js';
import { Hub } from '../../server/hub.js';
import { DEFAULT_LIMITS } from '../../server/limits.js';
import { createLogger, type Logger } from '../../server/log.js';
import { checkpointPhase, type Peer } from '../../server/session.js';
import { storeAppending, tempDir, until } from './helpers.js';

const limits = { ...DEFAULT_LIMITS, checkpointEvery: 2 };

class Quiet implements Peer {
  sentSeq = 0;
  viewSeq = 0;
  lagging = false;
  acks = new Set<string>();
  constructor(readonly role: Role) {}
  send(frame: string): void {
    const f = JSON.parse(frame) as { type: string; id?: string };
    if ((f.type === 'ack' || f.type === 'error') && f.id) this.acks.add(f.id);
  }
  buffered(): number {
    return 0;
  }
  close(): void {}
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function capture(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { lines, log: createLogger({ level: 'debug', write: (l) => lines.push(l) }) };
}

/** A data dir with `count` sessions of a few commands each; returns their ids and hashes. */
async function seeded(count: number): Promise<{ dir: string; ids: string[]; hashes: string[] }> {
  const dir = tempDir();
  dirs.push(dir);
  const store = await FileStore.open(dir);
  const hub = new Hub({ store, log: capture().log, limits });
  const ids: string[] = [];
  const hashes: string[] = [];
  for (let i = 0; i < count; i++) {
    const { session: id } = await hub.create({ scenario: 'tutorial', seed: `s${i}` }, 'ws://x');
    const s = hub.sessions.get(id);
    if (!s) throw new Error('no session');
    const white = new Quiet('facilitator');
    const arl = new Quiet('team:arl');
    s.join(white, undefined);
    s.join(arl, undefined);
    const commands: [Quiet, CommandBody][] = [
      [white, { type: 'setControl', team: 'arl', mode: 'human' }],
      [white, { type: 'start' }],
      [arl, { type: 'diplomacy', target: 'bor' }],
      [white, { type: 'ruling', reason: 'test', effect: { factors: { security: 0.02 } } }],
      [white, { type: 'advance' }],
    ];
    for (const [k, [peer, c]] of commands.entries()) s.submit(peer, `c${k}`, c);
    await until(() => white.acks.size + arl.acks.size === commands.length);
    await s.whenIdle();
    ids.push(id);
    hashes.push(hashState(s.state));
  }
  await store.close();
  return { dir, ids, hashes };
}

async function recover(dir: string): Promise<{ hub: Hub; lines: string[]; store: FileStore }> {
  const { log, lines } = capture();
  const store = await FileStore.open(dir);
  const hub = new Hub({ store, log, limits });
  await hub.recover();
  return { hub, lines, store };
}

const logFile = (dir: string, id: string): string => joinPath(dir, 'sessions', `${id}.jsonl`);

describe('checkpoints', () => {
  it('log a state hash every checkpointEvery commands, each session at an offset of its own', async () => {
    const { dir, ids } = await seeded(6); // both phases of 2, but for a 1-in-32 chance
    for (const id of ids) {
      const hashed = readFileSync(logFile(dir, id), 'utf8')
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => JSON.parse(l) as { seq: number; stateHash?: string })
        .filter((r) => r.stateHash !== undefined)
        .map((r) => r.seq);
      const phase = checkpointPhase(id, limits.checkpointEvery);
      const expected = [1, 2, 3, 4, 5].filter((q) => (q + phase) % limits.checkpointEvery === 0);
      expect(hashed).toEqual(expected);
    }
  });

  it('spreads the sessions of a server over the interval', () => {
    // Session ids are random; these stand in for them, reproducibly.
    const ids = Array.from({ length: 200 }, (_, i) =>
      createHash('sha256').update(String(i)).digest('base64url').slice(0, 16),
    );
    const phases = new Set(ids.map((id) => checkpointPhase(id, 1024)));
    // 200 draws from 1,024 values give about 182 distinct ones.
    expect(phases.size).toBeGreaterThan(160);
    for (const p of phases) expect(p >= 0 && p < 1024 && Number.isInteger(p)).toBe(true);
  });
});

describe('recovery', () => {
  it('restores every session at the same state hash', async () => {
    const { dir, ids, hashes } = await seeded(2);
    const { hub, store } = await recover(dir);
    expect(ids.map((id) => hashState(hub.sessions.get(id)?.state ?? ({} as never)))).toEqual(
      hashes,
    );
    expect(hub.quarantined.size).toBe(0);
    await store.close();
  });

  it('drops a torn last line, and completes a whole line that lost its newline', async () => {
    const { dir, ids, hashes } = await seeded(2);
    const [torn, cut] = ids as [string, string];
    writeFileSync(logFile(dir, torn), `${readFileSync(logFile(dir, torn), 'utf8')}{"seq":6,"comm`);
    writeFileSync(logFile(dir, cut), readFileSync(logFile(dir, cut), 'utf8').replace(/\n$/, ''));
    const { hub, lines, store } = await recover(dir);
    expect(hub.quarantined.size).toBe(0);
    expect(hashState(hub.sessions.get(torn)?.state ?? ({} as never))).toBe(hashes[0]);
    expect(hashState(hub.sessions.get(cut)?.state ?? ({} as never))).toBe(hashes[1]);
    expect(lines.join('')).toContain('dropped a torn last line');
    expect(lines.join('')).toContain('completed a last line');
    expect(readFileSync(logFile(dir, torn), 'utf8').endsWith('}\n')).toBe(true);
    // The repaired log goes on: appends land on a clean line.
    const s = hub.sessions.get(torn);
    const white = new Quiet('facilitator');
    s?.join(white, undefined);
    s?.submit(white, 'after', { type: 'advance' });
    await until(() => white.acks.has('after'));
    await store.close();
    const again = await recover(dir);
    expect(again.hub.sessions.get(torn)?.state.seq).toBe(6);
    await again.store.close();
  });

  const damages: [string, (log: string[]) => string[], RegExp][] = [
    [
      'a broken middle line',
      (l) => l.map((x, i) => (i === 2 ? x.slice(0, 20) : x)),
      /line 3 is not JSON/,
    ],
    [
      'a checkpoint hash that differs',
      (l) => l.map((x) => x.replace(/"stateHash":"[0-9a-f]{4}/, '"stateHash":"0000')),
      /state hash differs/,
    ],
    [
      'a command the rules reject',
      (l) => l.map((x) => x.replace('"type":"diplomacy"', '"type":"castVote","vote":"yes"')),
      /rejected on replay/,
    ],
    ['a missing command', (l) => l.filter((_, i) => i !== 3), /expected seq 3, found 4/],
    [
      'a header that is not a log header',
      (l) => ['{"hello":1}', ...l.slice(1)],
      /not a ttx command-log header/,
    ],
  ];
  for (const [what, damage, reason] of damages) {
    it(`quarantines a session with ${what}; the others run`, async () => {
      const { dir, ids, hashes } = await seeded(2);
      const [bad, good] = ids as [string, string];
      const lines = readFileSync(logFile(dir, bad), 'utf8').split('\n');
      writeFileSync(logFile(dir, bad), damage(lines).join('\n'));
      const { hub, lines: logged, store } = await recover(dir);
      expect(hub.sessions.has(bad)).toBe(false);
      expect(hub.quarantined.get(bad)).toMatch(reason);
      const line = logged.find((l) => l.includes(`session ${bad} quarantined`));
      expect(line).toBeDefined();
      expect(JSON.parse(line ?? '{}')).toMatchObject({ level: 'error', session: bad });
      expect(existsSync(logFile(dir, bad))).toBe(false);
      expect(readdirSync(joinPath(dir, 'quarantine')).filter((f) => f.startsWith(bad)).length).toBe(
        4,
      );
      expect(hashState(hub.sessions.get(good)?.state ?? ({} as never))).toBe(hashes[1]);
      await store.close();
    });
  }

  it('quarantines a session whose scenario file changed, or whose meta is gone', async () => {
    const { dir, ids } = await seeded(3);
    const [changed, metaless, good] = ids as [string, string, string];
    const sc = joinPath(dir, 'sessions', `${changed}.scenario.yaml`);
    writeFileSync(sc, readFileSync(sc, 'utf8').replace(/maxTurns: \d+/, 'maxTurns: 499'));
    rmSync(joinPath(dir, 'sessions', `${metaless}.meta.json`));
    const { hub, store } = await recover(dir);
    expect(hub.quarantined.get(changed)).toMatch(/scenario file changed/);
    expect(hub.quarantined.get(metaless)).toMatch(/meta file unreadable/);
    expect(hub.sessions.has(good)).toBe(true);
    await store.close();
  });
});

describe('a log that cannot be written', () => {
  it('stops that session (nothing acknowledged, clients told), and the others carry on', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const files = await FileStore.open(dir);
    let broken = '';
    const store = storeAppending(files, (id, records) =>
      id === broken ? Promise.reject(new Error('EIO: i/o error')) : files.append(id, records),
    );
    const { log, lines } = capture();
    const hub = new Hub({ store, log, limits });
    const a = await hub.create({ scenario: 'tutorial', seed: 'a' }, 'ws://x');
    const b = await hub.create({ scenario: 'tutorial', seed: 'b' }, 'ws://x');
    broken = a.session;
    const [sa, sb] = [hub.sessions.get(a.session), hub.sessions.get(b.session)];
    if (!sa || !sb) throw new Error('no sessions');
    const [pa, pb] = [new Recorder('facilitator'), new Recorder('facilitator')];
    sa.join(pa, undefined);
    sb.join(pb, undefined);
    sa.submit(pa, 'go', { type: 'start' });
    sb.submit(pb, 'go', { type: 'start' });
    await until(() => pa.closedWith !== undefined && pb.frames.some((f) => f['type'] === 'ack'));
    expect(pa.frames.filter((f) => f['type'] === 'ack')).toEqual([]);
    expect(pa.frames.at(-1)).toMatchObject({ type: 'error', id: 'go', code: 'unavailable' });
    expect(pa.closedWith).toBe(1011);
    expect(sa.failed).toMatch(/EIO/);
    expect(lines.join('')).toContain('session failed');
    const late = new Recorder('observer');
    sa.join(late, undefined);
    expect(late.frames[0]).toMatchObject({ type: 'error', code: 'unavailable' });
    expect(late.closedWith).toBe(1011);
    expect(sb.state.seq).toBe(1);
    await files.close();
  });
});

class Recorder implements Peer {
  sentSeq = 0;
  viewSeq = 0;
  lagging = false;
  frames: Record<string, unknown>[] = [];
  closedWith: number | undefined;
  constructor(readonly role: Role) {}
  send(frame: string): void {
    this.frames.push(JSON.parse(frame) as Record<string, unknown>);
  }
  buffered(): number {
    return 0;
  }
  close(code: number): void {
    this.closedWith = code;
  }
}
