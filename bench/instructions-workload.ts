/**
 * The workload of `npm run bench:instructions` (see instructions.bench.ts): a batch thread's
 * work in miniature. Loads a scenario, plays 500 runs to warm the JIT up, then plays `runs`
 * more (seeds 500 and up) with the records a batch keeps. Prints nothing.
 *
 *   node <bundle of this file> <scenario.yaml> <runs>
 */
import { playChunk, type BatchPlan } from '../src/analysis/plan.js';
import { formatIssue, loadScenarioFile } from '../src/scenario/load.js';

const WARM_UP = 500;

const [file = 'scenarios/kosovo-1999.yaml', count = '1000'] = process.argv.slice(2);
const loaded = loadScenarioFile(file);
if (!loaded.ok) {
  for (const e of loaded.errors) console.error(formatIssue(e));
  process.exit(1);
}
const runs = Number(count);
const plan: BatchPlan = {
  variants: [
    {
      id: 'baseline',
      start: { scenario: loaded.scenario },
      script: [],
      human: [],
      detail: true,
    },
  ],
  runs: WARM_UP + runs,
  seed: '1',
  onRejected: 'throw',
};
playChunk(plan, { variant: 0, from: 0, to: WARM_UP });
if (runs > 0) playChunk(plan, { variant: 0, from: WARM_UP, to: WARM_UP + runs });
