/**
 * Server benchmark (`npm run bench:server [-- --seconds N --sessions N --idle N --rate N
 *   --phases closed,shared,staggered --repeat N]`).
 *
 * Starts `ttx serve` as a child process on loopback with a fresh data directory (durability
 * on: every command is fsync'd before its ack), then:
 *
 * 1. idle memory: creates N idle sessions (default 1,000) and reports the server's heap and
 *    RSS growth per session (after a forced GC);
 * 2. load: 50 sessions × 4 teams (200 team clients, plus each session's white cell to run the
 *    clock) play rounds in lockstep — every team sends a decision and waits for its ack, then
 *    the white cell advances the turn — first in a closed loop (the most the server can do),
 *    then offering `--rate` actions/s (default 5,000) on ticks, twice: every session on one
 *    shared tick (bursts of 200 decisions at once, the worst case), then each session on its
 *    own tick, staggered (as independent exercises are); each phase reports acknowledged
 *    actions/s, the ack latency (send → durable ack) p50/p99, the server's CPU time per
 *    action, and what the server measured of itself meanwhile (`/healthz` latency: its journal
 *    writes, and how late each thread's event loop ran), to tell a slow disk or a stalled
 *    thread from the load itself.
 *
 * `--phases` runs only the load phases named (all three by default): comparing two builds on
 * one phase, many times over, tells more on a machine whose steal comes and goes. `--repeat N`
 * makes the whole measurement N times, each on a fresh server, and ends with each phase's
 * figures run by run with the steal over each, and their medians (of the calm runs too): one
 * 10 s p99 on this shared machine says little.
 *
 * The clients are bare WebSockets that read only their acks (bench/load-client.ts), so that the
 * load generator, on the same two cores, takes as little from the server as it can.
 *
 * The scenario is the tutorial with a 500-turn clock (uploaded, so it goes through the
 * loader), so that lobbying stays legal for the whole run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { CommandBody } from '../engine/index.js';
import {
  LoopDelay,
  type GcSummary,
  type HealthLatency,
  type LatencySummary,
} from '../server/latency.js';
import type { CreateSessionResponse } from '../server/protocol.js';
import { LoadClient } from './load-client.js';
import { stealShareMeter, stealText, threadCpu } from './machine.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const SECONDS = opt('seconds', 10);
const SESSIONS = opt('sessions', 50);
const IDLE = opt('idle', 1000);
const RATE = opt('rate', 5000);
const REPEAT = opt('repeat', 1);
if (!Number.isInteger(REPEAT) || REPEAT < 1) {
  console.error(
    `--repeat: a whole number of runs, 1 or more (got '${args[args.indexOf('--repeat') + 1]}')`,
  );
  process.exit(2);
}
const PHASES = ['closed', 'shared', 'staggered'] as const;
const phasesArg = args.indexOf('--phases');
const phases = phasesArg >= 0 ? (args[phasesArg + 1] ?? '').split(',') : [...PHASES];
const unknownPhase = phases.find((p) => !(PHASES as readonly string[]).includes(p));
if (unknownPhase !== undefined) {
  console.error(`--phases: unknown phase '${unknownPhase}' (known: ${PHASES.join(', ')})`);
  process.exit(2);
}
const runs = (p: (typeof PHASES)[number]): boolean => phases.includes(p);
const WARMUP_MS = 2000;
const TEAMS = ['alliance', 'arl', 'bor', 'cas'] as const;
const TARGET: Record<(typeof TEAMS)[number], string> = {
  alliance: 'arl',
  arl: 'bor',
  bor: 'cas',
  cas: 'arl',
};

/** A `ttx serve` child process on a fresh data directory (removed when it stops). */
interface ServerProcess {
  readonly url: string;
  readonly dataDir: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** The server of the run in progress, stopped if this process exits meanwhile. */
let current: ChildProcess | undefined;
process.on('exit', () => current?.kill('SIGTERM'));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function startServerProcess(): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ttx-bench-'));
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      ...(args.includes('--prof') ? ['--cpu-prof', `--cpu-prof-dir=${tmpdir()}/ttx-prof`] : []),
      'bin/ttx.js',
      'serve',
      '--port',
      '0',
      '--data',
      dataDir,
      '--log-level',
      'warn',
      '--log-format',
      'json',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  current = child;
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    current = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  };
  const started = Date.now();
  while (!/listening on (http:\/\/\S+)/.test(out)) {
    if (Date.now() - started > 30_000 || child.exitCode !== null) {
      await stop();
      throw new Error(`no server:\n${out}`);
    }
    await sleep(20);
  }
  const url = /listening on (http:\/\/\S+)/.exec(out)?.[1] ?? '';
  return { url, dataDir, pid: child.pid ?? 0, stop };
}

/** What the summary of repeated runs shows of a phase. */
interface PhaseFigures {
  readonly phase: (typeof PHASES)[number];
  readonly actionsPerSecond: number;
  readonly p99: number;
  /** Host steal over the phase, in per cent (undefined where it cannot be read). */
  readonly steal: number | undefined;
}

/** One whole measurement on a fresh server: idle sessions, then the load phases. */
async function measure(): Promise<PhaseFigures[]> {
  const server = await startServerProcess();
  try {
    return await measureOn(server);
  } finally {
    await server.stop();
  }
}

async function measureOn({ url, dataDir, pid }: ServerProcess): Promise<PhaseFigures[]> {
  const figures: PhaseFigures[] = [];
  const post = async (body: unknown): Promise<CreateSessionResponse> => {
    const r = await fetch(`${url}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (r.status !== 201) throw new Error(`create: ${r.status} ${await r.text()}`);
    return (await r.json()) as CreateSessionResponse;
  };
  type Health = {
    memory: { heapUsed: number; rss: number };
    cpuMicros: number;
    latency: HealthLatency;
  };
  const health = async (query: '' | 'gc' | 'reset'): Promise<Health> => {
    const r = await fetch(`${url}/healthz${query ? `?${query}` : ''}`);
    return (await r.json()) as Health;
  };
  const memory = async (): Promise<{ heapUsed: number; rss: number }> =>
    (await health('gc')).memory;
  console.log(
    `ttx server benchmark (node ${process.version}, server in a child process, data in ${dataDir}, fsync on)`,
  );

  // 1. Idle sessions.
  const m0 = await memory();
  for (let i = 0; i < IDLE; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, IDLE - i) }, (_, k) =>
        post({ scenario: 'tutorial', seed: `idle-${i + k}` }),
      ),
    );
  }
  const m1 = await memory();
  const kb = (b: number): string => (b / 1024).toFixed(1);
  if (IDLE > 0) {
    console.log(
      `idle sessions: ${IDLE} created; per session ${kb((m1.heapUsed - m0.heapUsed) / IDLE)} KB heap, ` +
        `${kb((m1.rss - m0.rss) / IDLE)} KB RSS (target ≤ 100 KB)`,
    );
  }

  // 2. Load.
  const doc = parseDocument(readFileSync('scenarios/tutorial.yaml', 'utf8'));
  doc.setIn(['clock', 'maxTurns'], 500);
  const yaml = doc.toString();
  type Session = { white: LoadClient; teams: [string, LoadClient][] };
  /** Fresh sessions for each phase: a session's cost per command grows with its turns. */
  const open = async (tag: string): Promise<Session[]> => {
    const list: Session[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      const s = await post({ yaml, seed: `${tag}-${i}` });
      const connect = (role: string): Promise<LoadClient> =>
        LoadClient.open(s.ws, s.tokens[role] ?? '');
      const white = await connect('facilitator');
      const teams: [string, LoadClient][] = [];
      for (const t of TEAMS) teams.push([t, await connect(`team:${t}`)]);
      for (const t of TEAMS) await white.send({ type: 'setControl', team: t, mode: 'human' });
      await white.send({ type: 'start' });
      list.push({ white, teams });
    }
    return list;
  };
  console.log(
    `load: ${SESSIONS} sessions × ${TEAMS.length} teams = ${SESSIONS * TEAMS.length} team clients (+ ${SESSIONS} white cells running the clock); each phase ${SECONDS} s after ${WARMUP_MS / 1000} s warm-up`,
  );

  /**
   * One measured phase. `tick` undefined: closed loop (each session starts its next round
   * as soon as the last is acknowledged: the most the server can do). Otherwise each session
   * starts a round every `tick.ms` (a fixed offered load): all at the same instant (a burst of
   * 200 decisions, the worst case), or `staggered` evenly over the period, as independent
   * exercises would. A session whose previous round is not done skips its tick (counted).
   */
  const phase = async (
    name: (typeof PHASES)[number],
    label: string,
    tick: { ms: number; staggered: boolean } | undefined,
  ): Promise<void> => {
    const sessions = await open(label.slice(0, 6));
    let measuring = false;
    let stop = false;
    const latencies: number[] = [];
    let teamActions = 0;
    let clockActions = 0;
    let refused = 0;
    let skipped = 0;
    let turns = 0;
    const timed = async (c: LoadClient, command: CommandBody): Promise<boolean> => {
      const t0 = performance.now();
      try {
        await c.send(command);
      } catch {
        if (measuring) refused++;
        return false;
      }
      if (measuring) latencies.push(performance.now() - t0);
      return true;
    };
    const round = async ({ white, teams }: Session): Promise<boolean> => {
      const ok = await Promise.all(
        teams.map(([t, c]) =>
          timed(c, { type: 'diplomacy', target: TARGET[t as (typeof TEAMS)[number]] }),
        ),
      );
      if (measuring) teamActions += ok.filter(Boolean).length;
      const advanced = await timed(white, { type: 'advance' });
      if (advanced) turns++;
      if (advanced && measuring) clockActions++;
      return advanced; // false: the exercise ended
    };
    let loops: Promise<unknown>[];
    let ticker: NodeJS.Timeout | undefined;
    if (tick === undefined) {
      loops = sessions.map(async (s) => {
        while (!stop && (await round(s)));
      });
    } else {
      const busy = new Set<Session>();
      const pending = new Set<Promise<unknown>>();
      const start = (s: Session): void => {
        if (busy.has(s)) {
          if (measuring) skipped++;
          return;
        }
        busy.add(s);
        const p = round(s).finally(() => {
          busy.delete(s);
          pending.delete(p);
        });
        pending.add(p);
      };
      // Ticks are due by the clock, not by the timer's count: a timer that fires late (the
      // load generator shares the machine) starts every round that fell due meanwhile.
      const slot = tick.staggered ? tick.ms / SESSIONS : tick.ms;
      const t0 = performance.now();
      let due = 0;
      ticker = setInterval(
        () => {
          const now = Math.floor((performance.now() - t0) / slot);
          for (; due <= now; due++) {
            if (tick.staggered) start(sessions[due % sessions.length] as Session);
            else sessions.forEach(start);
          }
        },
        Math.max(1, slot / 2),
      );
      loops = [
        new Promise<void>((resolve) => setTimeout(resolve, 0)).then(async () => {
          while (!stop) await sleep(50);
          clearInterval(ticker);
          await Promise.all(pending);
        }),
      ];
    }
    await sleep(WARMUP_MS);
    const cpu0 = (await health('reset')).cpuMicros;
    const threads0 = threadCpu(pid);
    const own0 = process.cpuUsage();
    const ownLoop = new LoopDelay(); // a late load generator reads its acks late too
    const steal = stealShareMeter();
    measuring = true;
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    measuring = false;
    const elapsed = (performance.now() - t0) / 1000;
    const { cpuMicros: cpu1, latency } = await health('');
    const threads1 = threadCpu(pid);
    const own = process.cpuUsage(own0);
    const ownDelay = ownLoop.summary();
    ownLoop.stop();
    const stolen = steal();
    stop = true;
    await Promise.all(loops);

    latencies.sort((a, b) => a - b);
    const quantile = (p: number): number =>
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
    const pct = (p: number): string => quantile(p).toFixed(1);
    const total = teamActions + clockActions;
    figures.push({
      phase: name,
      actionsPerSecond: Math.round(total / elapsed),
      p99: quantile(99),
      steal: stolen,
    });
    console.log(`\n${label}`);
    console.log(
      `  ${Math.round(total / elapsed)} acknowledged actions/s (${Math.round(teamActions / elapsed)}/s team decisions + ${Math.round(clockActions / elapsed)}/s clock advances; ${refused} refused${tick === undefined ? '' : `; ${skipped} session-ticks skipped, still busy`})`,
    );
    console.log(`  (the sessions reached turn ${Math.round(turns / SESSIONS)} on average)`);
    console.log(
      `  ack latency (send → durable ack): p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${pct(100)} ms over ${latencies.length} acks`,
    );
    const perAction = (cpu1 - cpu0) / Math.max(1, total);
    // The main thread (network) and the busiest other one (the session thread, by far).
    const share = (tid: number): number =>
      ((threads1.get(tid) ?? 0) - (threads0.get(tid) ?? 0)) / 10 / elapsed;
    const others = [...threads1.keys()].filter((t) => t !== pid).map(share);
    const threads =
      threads1.size > 0
        ? `: main thread ${share(pid).toFixed(0)}%, session thread ${Math.max(0, ...others).toFixed(0)}%`
        : '';
    console.log(
      `  server CPU: ${perAction.toFixed(0)} µs per action, ${((cpu1 - cpu0) / 1e4 / elapsed).toFixed(0)}% of a core${threads}`,
    );
    const f = (x: LatencySummary): string => `p50 ${x.p50}, p99 ${x.p99}, max ${x.max} ms`;
    console.log(
      `  server: acks from the session thread's receipt ${f(latency.sessionAcks)}; journal writes ${f(latency.journalWrites)} (${latency.journalWrites.count}); event-loop delay: session thread ${f(latency.sessionLoopDelay)}, main thread ${f(latency.mainLoopDelay)}`,
    );
    const pauses = (x: GcSummary): string =>
      `${x.young.count} young (p50 ${x.young.p50}, max ${x.young.max} ms) and ${x.full.count} full (max ${x.full.max} ms)`;
    console.log(
      `  server threads busy (event-loop utilization, blocking writes included): session thread ${Math.round(latency.sessionLoopBusy * 100)}%, main thread ${Math.round(latency.mainLoopBusy * 100)}%; GC pauses: session thread ${pauses(latency.sessionGc)}, main thread ${pauses(latency.mainGc)}`,
    );
    console.log(
      `  load generator (this process, sharing the machine): ${((own.user + own.system) / 1e4 / elapsed).toFixed(0)}% of a core, event-loop delay ${f(ownDelay)}${stolen === undefined ? '' : `; ${stealText(stolen)}`}`,
    );
    for (const x of sessions) {
      await x.white.close();
      for (const [, c] of x.teams) await c.close();
    }
  };

  if (runs('closed')) {
    await phase(
      'closed',
      'closed loop (each session plays its next round as soon as the last is acknowledged):',
      undefined,
    );
  }
  const tickMs = (1000 * SESSIONS * (TEAMS.length + 1)) / RATE;
  const offered = `offered load ${RATE} actions/s: ${TEAMS.length} decisions + 1 advance per session and tick`;
  if (runs('shared')) {
    await phase('shared', `every session on one tick every ${tickMs.toFixed(1)} ms (${offered}):`, {
      ms: tickMs,
      staggered: false,
    });
  }
  if (runs('staggered')) {
    await phase(
      'staggered',
      `each session on its own tick, staggered over the ${tickMs.toFixed(1)} ms (${offered}):`,
      { ms: tickMs, staggered: true },
    );
  }
  return figures;
}

/** Runs with at most this much host steal count as calm in the summary. */
const CALM_STEAL = 2;

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

/** Each phase over the repeated runs: every run's figures with its steal, and the medians. */
function summarize(runs: readonly PhaseFigures[][]): void {
  console.log(
    `\nsummary of ${runs.length} runs, each on a fresh server (host steal over the phase in brackets):`,
  );
  for (const name of PHASES) {
    const of = runs.flatMap((r) => r.filter((f) => f.phase === name));
    if (of.length === 0) continue;
    const steal = (f: PhaseFigures): string =>
      f.steal === undefined ? '' : ` [${f.steal.toFixed(0)}%]`;
    const calm = of.filter((f) => f.steal !== undefined && f.steal <= CALM_STEAL);
    console.log(`  ${name}:`);
    console.log(
      `    acknowledged actions/s: ${of.map((f) => `${f.actionsPerSecond}${steal(f)}`).join(', ')}; median ${median(of.map((f) => f.actionsPerSecond)).toFixed(0)}`,
    );
    console.log(
      `    ack p99 (ms): ${of.map((f) => `${f.p99.toFixed(1)}${steal(f)}`).join(', ')}; median ${median(of.map((f) => f.p99)).toFixed(1)}` +
        (calm.length > 0
          ? `, over the ${calm.length} calm run(s) (≤ ${CALM_STEAL} % steal) ${median(calm.map((f) => f.p99)).toFixed(1)}`
          : `; no calm run (≤ ${CALM_STEAL} % steal)`),
    );
  }
}

async function main(): Promise<void> {
  const results: PhaseFigures[][] = [];
  for (let run = 1; run <= REPEAT; run++) {
    if (REPEAT > 1) console.log(`${run > 1 ? '\n' : ''}=== run ${run} of ${REPEAT} ===`);
    results.push(await measure());
  }
  if (REPEAT > 1) summarize(results);
  console.log('\ntargets: ≥ 5,000 actions/s, ack p99 ≤ 20 ms, ≤ 100 KB per idle session');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
