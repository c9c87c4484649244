/**
 * Batch benchmark: 10,000 runs of the Kosovo scenario with `ttx batch --workers 2`, timed
 * from the shell's point of view (process start to exit, progress bar shown on stderr), and
 * batch throughput in runs/s on 1 and on 2 worker threads. Prints figures; asserts nothing.
 *
 *   npm run bench:batch [-- --runs N] [-- scenarios/x.yaml]
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { runBatch } from '../src/analysis/index.js';
import { playScenario } from '../src/run/headless.js';
import { formatIssue, loadScenarioFile } from '../src/scenario/load.js';
import { stealMeter } from './machine.js';

const args = process.argv.slice(2);
const file = args.find((a) => a.endsWith('.yaml')) ?? 'scenarios/kosovo-1999.yaml';
const at = args.indexOf('--runs');
const runs = at >= 0 ? Number(args[at + 1]) : 10_000;
const loaded = loadScenarioFile(file);
if (!loaded.ok) {
  for (const e of loaded.errors) console.error(formatIssue(e));
  process.exit(1);
}
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
console.log(
  `Batch benchmark of ${loaded.scenario.id}: ${runs} runs (node ${process.version}, ${cpus().length} cores, load ${load()})`,
);

// 1. The command a user types, wall clock from start to exit.
const command = [
  'bin/ttx.js',
  'batch',
  file,
  '--runs',
  String(runs),
  '--workers',
  '2',
  '--json',
  '--progress',
];
const t0 = performance.now();
const steal = stealMeter();
const child = spawnSync(process.execPath, command, {
  stdio: ['ignore', 'pipe', 'inherit'],
  maxBuffer: 64 * 1024 * 1024,
});
const wall = (performance.now() - t0) / 1000;
if (child.status !== 0) {
  console.error(`ttx batch failed with status ${child.status}`);
  process.exit(1);
}
const report = JSON.parse(child.stdout.toString()) as {
  stats: { outcomes: { success: { p: number } } };
  meta: { seconds: number; runsPerSecond: number };
};
console.log(
  `ttx ${command.slice(1).join(' ')}: ${wall.toFixed(2)} s wall (target ≤ 5 s), ` +
    `of which the batch itself ${report.meta.seconds.toFixed(2)} s = ${report.meta.runsPerSecond} runs/s; ` +
    `success ${(report.stats.outcomes.success.p * 100).toFixed(1)}%; ${steal()}`,
);

// 2. CPU cost of one run, in this thread (separates the cost of a run from contention for the
//    cores with other processes, which the wall-clock figures include).
{
  const n = Math.min(runs, 2000);
  await runBatch({ scenario: loaded.scenario, runs: 200, workers: 0, seed: 'warm-up' });
  const c0 = process.cpuUsage();
  const t = performance.now();
  await runBatch({ scenario: loaded.scenario, runs: n, workers: 0 });
  const cpu = process.cpuUsage(c0);
  const ms = (cpu.user + cpu.system) / 1000 / n;
  // The same seeds through the plain headless runner, no events kept (what the engine costs).
  const c1 = process.cpuUsage();
  for (let i = 0; i < n; i++) playScenario(loaded.scenario, `1:${i}`, { keepEvents: false });
  const plain = process.cpuUsage(c1);
  const engineMs = (plain.user + plain.system) / 1000 / n;
  console.log(
    `in this thread: ${ms.toFixed(2)} ms of CPU a run (${n} runs, ${((performance.now() - t) / 1000).toFixed(2)} s wall): ` +
      `at most ${Math.round(1000 / ms)} runs/s a core, so ${runs} runs on 2 free cores need ≥ ${((runs * ms) / 2000).toFixed(1)} s plus start-up; ` +
      `the plain headless run of the same seeds costs ${engineMs.toFixed(2)} ms (the rest is counting inject outcomes and decisions, and aggregating)`,
  );
}

// 3. Throughput of the batch on 1 and 2 worker threads (the pool's own time, thread start included).
for (const workers of [1, 2]) {
  const stolen = stealMeter();
  const r = await runBatch({ scenario: loaded.scenario, runs, workers });
  console.log(
    `${workers} worker thread(s): ${r.meta.runsPerSecond} runs/s (${runs} runs in ${r.meta.seconds.toFixed(2)} s; load ${load()}; ${stolen()})`,
  );
}
