/**
 * Crash test: `ttx serve` runs as a child process and is killed with SIGKILL in the middle of
 * play, then restarted on the same data directory. Every acknowledged command is in the log
 * exactly once, sessions resume at the same state, clients reconnect with lastSeq (missing
 * and repeating nothing), resend what was unacknowledged (applied at most once), and play on.
 * The server's recovery replays the journal into the session logs: a log that lost its
 * unsynced tail gets it back, a torn last line is dropped; a session whose journal line is
 * damaged in the middle is quarantined, and the others run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  eventsFor,
  hashState,
  type CommandBody,
  type EngineEvent,
  type Role,
} from '../../engine/index.js';
import { TtxClient } from '../../server/client.js';
import { nodeSocket } from '../../server/client-node.js';
import type { CreateSessionResponse } from '../../server/protocol.js';
import { api, replayAll, storedSession, tempDir, until, wire } from './helpers.js';

interface Child {
  readonly proc: ChildProcess;
  readonly url: string;
  readonly wsUrl: string;
  output(): string;
}

async function spawnServer(dataDir: string): Promise<Child> {
  const proc = spawn(
    process.execPath,
    ['bin/ttx.js', 'serve', '--port', '0', '--data', dataDir, '--log-format', 'json'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  await until(
    () => /listening on (http:\/\/\S+)/.test(out) || proc.exitCode !== null,
    30_000,
    'the server to start',
  );
  const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`the server did not start:\n${out}`);
  return { proc, url, wsUrl: `${url.replace('http', 'ws')}/ws`, output: () => out };
}

const children: ChildProcess[] = [];
const dataDir = tempDir('ttx-crash-');
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

interface Player {
  readonly role: Role;
  readonly client: TtxClient;
  readonly events: Map<number, readonly EngineEvent[]>;
}

describe('crash and restart', () => {
  it('SIGKILL mid-play loses no acknowledged command and applies none twice', async () => {
    const first = await spawnServer(dataDir);
    children.push(first.proc);
    const make = async (seed: string): Promise<CreateSessionResponse> =>
      (
        await api<CreateSessionResponse>(first.url, '/api/sessions', {
          body: { scenario: 'tutorial', seed },
        })
      ).body;
    const sessions = [await make('crash-a'), await make('crash-b')];
    const doomed = await make('crash-c'); // damaged in the middle after the crash

    const teams = ['alliance', 'arl', 'bor'];
    const players: { s: CreateSessionResponse; list: Player[] }[] = [];
    for (const s of [...sessions, doomed]) {
      const list: Player[] = [];
      for (const role of ['facilitator', ...teams.map((x) => `team:${x}`)] as Role[]) {
        const events = new Map<number, readonly EngineEvent[]>();
        const client = await TtxClient.connect({
          url: first.wsUrl,
          token: s.tokens[role] ?? '',
          connect: nodeSocket,
          onEvent: (seq, ev) => events.set(seq, ev),
        });
        list.push({ role, client, events });
      }
      players.push({ s, list });
    }
    for (const { list } of players) {
      const white = list[0] as Player;
      for (const team of teams)
        await white.client.send({ type: 'setControl', team, mode: 'human' });
      await white.client.send({ type: 'start' });
    }

    // Play: every client keeps several commands in flight; kill the server mid-stream.
    const acked = new Map<string, number>(); // command id → seq, per session
    const sent = new Map<string, { session: string; done: Promise<unknown> }>();
    const killAfter = 60 + Math.floor(Math.random() * 80);
    let n = 0;
    let killed = false;
    const fire = (session: string, p: Player, command: CommandBody): void => {
      const id = `${p.role}-${++n}`;
      const done = p.client.send(command, id).then(
        (ack) => {
          if (!killed) acked.set(`${session}/${id}`, ack.seq);
          return ack;
        },
        (err: unknown) => err, // refused by the rules: fine, it changed nothing
      );
      sent.set(`${session}/${id}`, { session, done });
    };
    const targets = ['bor', 'cas', 'arl'];
    while (acked.size < killAfter) {
      for (const { s, list } of players) {
        for (const [i, p] of list.entries()) {
          if (p.client.unacknowledged >= 4) continue;
          fire(
            s.session,
            p,
            p.role === 'facilitator'
              ? { type: 'ruling', reason: `ruling ${n}`, effect: { factors: { security: 0.001 } } }
              : { type: 'diplomacy', target: targets[i % targets.length] ?? 'cas' },
          );
        }
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    first.proc.kill('SIGKILL');
    killed = true;
    await until(
      () => first.proc.exitCode !== null || first.proc.signalCode !== null,
      10_000,
      'the kill',
    );
    const ackedBeforeKill = new Map(acked);
    expect(ackedBeforeKill.size).toBeGreaterThanOrEqual(killAfter);

    // Damage: a torn last line on one session's log; another's log loses its unsynced tail (as
    // after a power cut); the third session's first journal line is broken.
    const logOf = (s: CreateSessionResponse): string =>
      joinPath(dataDir, 'sessions', `${s.session}.jsonl`);
    appendFileSync(
      logOf(sessions[0] as CreateSessionResponse),
      '{"seq":99999,"command":{"by":"team:a',
    );
    const cut = readFileSync(logOf(sessions[1] as CreateSessionResponse), 'utf8').split('\n');
    truncateSync(
      logOf(sessions[1] as CreateSessionResponse),
      Buffer.byteLength(`${cut.slice(0, 3).join('\n')}\n${(cut[3] ?? '').slice(0, 20)}`),
    );
    const journalDir = joinPath(dataDir, 'journal');
    const wal = joinPath(journalDir, readdirSync(journalDir).find((f) => f.endsWith('.wal')) ?? '');
    const walLines = readFileSync(wal, 'utf8').split('\n');
    const hit = walLines.findIndex((l) => l.startsWith(`{"s":"${doomed.session}"`));
    expect(hit).toBeLessThan(walLines.length - 2); // a middle line, not a torn last one
    walLines[hit] = (walLines[hit] ?? '').slice(0, 40);
    writeFileSync(wal, walLines.join('\n'));

    const second = await spawnServer(dataDir);
    children.push(second.proc);
    const out = second.output();
    expect(out).toContain('2 session(s) restored, 1 quarantined');
    expect(out).toMatch(
      new RegExp(
        `session ${doomed.session} quarantined: journal 1\\.wal line ${hit + 1} is damaged: ` +
          'an acknowledged command of this session may be lost',
      ),
    );
    expect(out).toContain('dropped a torn last line');
    expect(out).toMatch(/restored \d+ record\(s\) from the journal/);
    const quarantined = readdirSync(joinPath(dataDir, 'quarantine'));
    expect(quarantined.some((f) => f.startsWith(`${doomed.session}.jsonl`))).toBe(true);
    expect(quarantined.some((f) => f.startsWith(`${doomed.session}.unapplied.jsonl`))).toBe(true);
    expect(existsSync(logOf(doomed))).toBe(false);

    // Every command acknowledged before the kill is in the log once, at its seq.
    for (const s of sessions) {
      const stored = await storedSession(dataDir, s.session);
      for (const [key, seq] of ackedBeforeKill) {
        const [session, id] = key.split('/');
        if (session !== s.session) continue;
        expect(stored.ids[seq - 1], key).toBe(id);
      }
      expect(new Set(stored.ids).size).toBe(stored.ids.length);
    }

    // Clients reconnect with their lastSeq, their unacknowledged commands go out again.
    const live = players.filter((p) => p.s !== doomed);
    for (const { list } of live) for (const p of list) await p.client.reconnect(second.wsUrl);
    await Promise.all(
      [...sent.values()].filter((x) => x.session !== doomed.session).map((x) => x.done),
    );
    for (const { list } of players.filter((p) => p.s === doomed)) {
      for (const p of list) await p.client.close();
    }

    // And play on to the end.
    for (const { s, list } of live) {
      const white = list[0] as Player;
      let guard = 0;
      while (white.client.view?.full?.status !== 'ended') {
        expect(++guard).toBeLessThan(100);
        const ack = await white.client.send({ type: 'advance' });
        await until(() => white.client.viewSeq >= ack.seq);
      }
      const stored = await storedSession(dataDir, s.session);
      expect(stored.ended).toBe(true);
      // Each id once; each command acknowledged before the kill still at its seq.
      expect(new Set(stored.ids).size).toBe(stored.ids.length);
      const { states, events } = replayAll('tutorial', s.seed, stored.commands);
      const last = states[states.length - 1];
      if (!last) throw new Error('no state');
      expect(hashState(white.client.view?.full ?? last)).toBe(hashState(last));
      const finalSeq = last.seq;
      for (const p of list) {
        await until(() => p.client.seq === finalSeq, 5000, `${p.role} to catch up`);
        expect(p.client.duplicates + p.client.gaps, p.role).toBe(0);
        // Across the crash: every event exactly once, as the engine says this role sees it.
        const firstSeen = Math.min(...p.events.keys());
        for (let seq = firstSeen; seq <= finalSeq; seq++) {
          expect(p.events.get(seq), `${p.role} seq ${seq}`).toEqual(
            wire(eventsFor(events[seq] ?? [], p.role)),
          );
        }
        await p.client.close();
      }
    }
    second.proc.kill('SIGTERM');
    await until(() => second.proc.exitCode !== null, 10_000, 'a clean stop');
    expect(second.proc.exitCode).toBe(0);
  });
});
