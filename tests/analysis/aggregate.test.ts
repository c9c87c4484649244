/**
 * Batches keep their runs in columns (columns.ts): the statistics read from them are, to the
 * bit, those the object-based aggregate computed from the same runs' records (kept in
 * aggregate-reference.ts), and any run can still be had as the record it was.
 */
import { describe, expect, test } from 'vitest';
import type { Scenario } from '../../engine/index.js';
import { aggregate, runBatch, seedFor } from '../../src/analysis/index.js';
import { withFactorStart } from '../../src/analysis/plan.js';
import { runPlan } from '../../src/analysis/pool.js';
import { playRun, sortScript, type RunRecord } from '../../src/analysis/runner.js';
import type { Decisions } from '../../src/run/headless.js';
import { referenceAggregate, referenceLevel } from './aggregate-reference.js';
import { decisions, KOSOVO, scenarioOf, TUTORIAL } from './helpers.js';

/** Scripted decisions for Arland (and its policy); a vote with no vote open is rejected. */
const scripted = decisions(`
decisions:
  - { turn: 1, by: team:arl, type: draftResolution, chapter: VI }
  - { turn: 1, by: team:arl, type: castVote, vote: yes }
  - { turn: 2, by: team:arl, type: diplomacy, target: lunaris }
  - { turn: 3, by: team:arl, type: castVote, vote: no }
`);

/** The records of runs 0 … runs − 1 of a scenario, played one by one. */
function records(
  scenario: Scenario,
  seed: string,
  runs: number,
  detail: boolean,
  d?: Decisions,
): RunRecord[] {
  const script = sortScript(d?.decisions ?? []);
  const options = { human: d?.human ?? [], onRejected: 'skip', detail } as const;
  return Array.from({ length: runs }, (_, i) =>
    playRun({ scenario }, i, seedFor(seed, i), script, options),
  );
}

describe('batch statistics from columns', () => {
  test.each([
    { name: 'tutorial', file: TUTORIAL, runs: 300, workers: 0 },
    { name: 'Kosovo', file: KOSOVO, runs: 300, workers: 2 },
    { name: 'tutorial with a script', file: TUTORIAL, runs: 200, workers: 0, d: scripted },
  ])('$name: the same as from records, to the bit', async ({ file, runs, workers, d }) => {
    const { scenario } = scenarioOf(file);
    const seed = 'columns';
    const vary = { factor: 'legitimacy', low: 0.2, high: 0.8, steps: 2 };
    const batch = await runBatch({
      scenario,
      runs,
      seed,
      workers,
      vary: [vary],
      ...(d ? { decisions: d } : {}),
    });
    const script = sortScript(d?.decisions ?? []);
    const reference = referenceAggregate(scenario, records(scenario, seed, runs, true, d), script);
    expect(batch.stats).toStrictEqual(reference);
    if (d) expect(reference.rejectedDecisions).toBeGreaterThan(0);
    expect(reference.decisions.length).toBeGreaterThan(0);
    const levels = [vary.low, vary.high].map((value) =>
      referenceLevel(
        value,
        records(withFactorStart(scenario, vary.factor, value), seed, runs, false, d),
      ),
    );
    expect(batch.sensitivity?.sweeps[0]?.levels).toStrictEqual(levels);
  });

  test('a table of runs aggregates alike, and a run materialises as the record it was', async () => {
    const { scenario } = scenarioOf(KOSOVO);
    const variant = { script: [], human: [], start: { scenario } };
    const tables = await runPlan(
      {
        variants: [
          { ...variant, id: 'full', detail: true },
          { ...variant, id: 'outcome', detail: false },
        ],
        runs: 40,
        seed: 'r',
        onRejected: 'skip',
      },
      { workers: 2 },
    );
    for (const [v, detail] of [true, false].entries()) {
      const table = tables[v];
      if (!table) throw new Error(`no variant ${v}`);
      expect(table.chunks.length).toBeGreaterThan(1);
      const expected = records(scenario, 'r', 40, detail);
      expect(Array.from({ length: 40 }, (_, i) => table.record(i))).toStrictEqual(expected);
      expect(aggregate(scenario, table)).toStrictEqual(referenceAggregate(scenario, expected));
    }
    expect(() => tables[0]?.record(40)).toThrow(RangeError);
  });
});
