/**
 * A batch plan: every run a batch needs, as plain data that can be posted to worker threads.
 * A plan has one or more variants (the baseline, then one per level of each `--vary` sweep),
 * each played for the same N seeds: run i of every variant uses seed `<seed>:<i>`, so results
 * do not depend on how runs are spread over threads, and sweep levels are compared on common
 * random numbers (the same seeds), which keeps the noise out of their differences.
 */
import type { Scenario } from '../../engine/index.js';
import type { ScheduledDecision } from '../run/headless.js';
import { toColumns, type RunColumns } from './columns.js';
import { playRun, type OnRejected, type RunRecord, type RunStart } from './runner.js';

export interface Variant {
  /** `baseline`, `alternative`, or `<factor>=<value>` for a sweep level. */
  readonly id: string;
  readonly start: RunStart;
  /** Decisions taken at their turns, in order (see sortScript). */
  readonly script: readonly ScheduledDecision[];
  /** Teams no policy plays. */
  readonly human: readonly string[];
  /** Full records (see RunOptions.detail), or outcomes only (sweep levels, odds). */
  readonly detail: boolean;
}

export interface BatchPlan {
  readonly variants: readonly Variant[];
  /** Runs per variant. */
  readonly runs: number;
  /** Base seed: run i plays seed `<seed>:<i>`. */
  readonly seed: string;
  readonly onRejected: OnRejected;
}

/** The seed of run i. */
export const seedFor = (seed: string, i: number): string => `${seed}:${i}`;

/** A contiguous range of runs of one variant: the unit of work given to a thread. */
export interface Chunk {
  readonly variant: number;
  readonly from: number;
  readonly to: number;
}

/** Plays one chunk, in columns. */
export function playChunk(plan: BatchPlan, chunk: Chunk): RunColumns {
  const variant = plan.variants[chunk.variant];
  if (!variant) throw new Error(`no variant ${chunk.variant}`);
  const out: RunRecord[] = [];
  const options = { human: variant.human, onRejected: plan.onRejected, detail: variant.detail };
  for (let i = chunk.from; i < chunk.to; i++) {
    out.push(playRun(variant.start, i, seedFor(plan.seed, i), variant.script, options));
  }
  return toColumns(chunk.from, out);
}

/** The scenario with one factor's start value replaced. */
export function withFactorStart(scenario: Scenario, factor: string, value: number): Scenario {
  const def = Object.hasOwn(scenario.factors, factor) ? scenario.factors[factor] : undefined;
  if (!def) throw new Error(`no factor '${factor}' in scenario ${scenario.id}`);
  return { ...scenario, factors: { ...scenario.factors, [factor]: { ...def, start: value } } };
}

/**
 * Splits the plan into chunks, variant by variant, shrinking towards the end ("guided"
 * scheduling): big chunks while much is left, so that messages cost nothing next to the runs,
 * and small ones last, so that no thread sits idle while another finishes a long last chunk.
 * Chunk boundaries never change results (statistics read the runs in run order).
 */
export function chunksOf(plan: BatchPlan, most = 250, least = 8): Chunk[] {
  const out: Chunk[] = [];
  let left = plan.runs * plan.variants.length;
  plan.variants.forEach((_, variant) => {
    for (let from = 0; from < plan.runs;) {
      const size = Math.max(1, Math.min(most, Math.max(least, Math.ceil(left / 32))));
      const to = Math.min(plan.runs, from + size);
      out.push({ variant, from, to });
      left -= to - from;
      from = to;
    }
  });
  return out;
}
