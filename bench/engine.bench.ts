/**
 * Engine benchmark: complete headless runs per second of a scenario on default policies, and
 * engine steps per second over random legal command sequences. Prints figures; asserts nothing.
 *
 *   npm run bench [-- <scenario.yaml>] [-- --seconds N]
 */
import { formatIssue, loadScenarioFile } from '../src/scenario/load.js';
import { benchRuns, benchSteps } from './engine-measure.js';

const args = process.argv.slice(2);
const file = args.find((a) => a.endsWith('.yaml')) ?? 'scenarios/kosovo-1999.yaml';
const at = args.indexOf('--seconds');
const seconds = at >= 0 ? Number(args[at + 1]) : 5;
const loaded = loadScenarioFile(file);
if (!loaded.ok) {
  for (const e of loaded.errors) console.error(formatIssue(e));
  process.exit(1);
}
const { scenario } = loaded;
console.log(
  `Benchmark of ${scenario.id} on one core, ${seconds} s per figure (node ${process.version})`,
);
const runs = benchRuns(scenario, seconds);
console.log(
  `complete runs: ${(runs.runs / runs.seconds).toFixed(1)} runs/s ` +
    `(${runs.runs} runs; mean ${(runs.steps / runs.runs).toFixed(1)} steps and ${(runs.turns / runs.runs).toFixed(1)} turns a run; ` +
    `${Math.round(runs.steps / runs.seconds)} steps/s)`,
);
const rate = (f: { steps: number; seconds: number }): string =>
  `${Math.round(f.steps / f.seconds)} steps/s`;
console.log(
  `random legal commands, pure step (frozen state each): ${rate(benchSteps(scenario, seconds, { pure: true }))}`,
);
console.log(
  `random legal commands, in place (headless runners): ${rate(benchSteps(scenario, seconds, { pure: false }))}`,
);
console.log(
  `  team and white-cell decisions alone, in place (clock ticks not timed): ${rate(benchSteps(scenario, seconds, { pure: false, decisionsOnly: true }))}`,
);
