/**
 * Monte-Carlo batches: N seeded headless games of a scenario (or N futures of a recorded
 * session), with sensitivity sweeps of start factors. The entry points of `ttx batch` and of
 * the library (src/analysis/index.ts).
 */
import { ENGINE_VERSION, hashState, type Scenario } from '../../engine/index.js';
import type { Decisions, ScheduledDecision } from '../run/headless.js';
import { Aggregator, type BatchStats } from './aggregate.js';
import { forkPoint } from './fork.js';
import { seedFor, withFactorStart, type BatchPlan, type Variant } from './plan.js';
import { DEFAULT_RUNS } from './defaults.js';
import { runPlan } from './pool.js';
import { defaultWorkers, type BatchThreads } from './threads.js';
import type { RunTable } from './run-table.js';
import { sortScript } from './runner.js';
import type { Replayed } from './session-log.js';
import { difference, proportion, round6, type Proportion } from './stats.js';

/** `--vary factor=lo:hi[:steps]`: sweep a start factor over `steps` evenly spaced values. */
export interface VarySpec {
  readonly factor: string;
  readonly low: number;
  readonly high: number;
  /** Levels, both ends included (≥ 2; default 5). */
  readonly steps: number;
}

export interface SweepLevel {
  readonly value: number;
  readonly success: Proportion;
  /** Success or partial success. */
  readonly notFailure: Proportion;
  readonly meanEndTurn: number;
}

export interface FactorSweep {
  readonly factor: string;
  readonly label: string;
  /** The scenario's own start value. */
  readonly baseline: number;
  readonly levels: readonly SweepLevel[];
  /** Success probability at the highest level minus at the lowest. */
  readonly effect: number;
  readonly effectCi: readonly [number, number];
}

export interface Sensitivity {
  readonly runsPerLevel: number;
  /** Largest |effect| first (the order of the tornado chart). */
  readonly sweeps: readonly FactorSweep[];
}

export interface ForkInfo {
  readonly log: string;
  /** The recorded session's seed. */
  readonly sessionSeed: string;
  readonly atTurn: number;
  /** Hash of the state at the start of turn T, shared by every future. */
  readonly stateHash: string;
  /** How the recorded session actually ended (null if the log stops before the end). */
  readonly actual: { result: string; reason: string; turn: number } | null;
  /** The session's own decisions from turn T on. */
  readonly ownDecisions: number;
}

export interface Alternative {
  readonly decisions: number;
  readonly stats: BatchStats;
  /** Success rate with the alternative minus with the session's own decisions. */
  readonly successDifference: { d: number; ci: [number, number] };
}

export interface BatchReport {
  readonly kind: 'ttx-batch';
  readonly format: 1;
  readonly scenario: { readonly id: string; readonly title: string };
  readonly engineVersion: string;
  readonly seed: string;
  readonly runs: number;
  /** Where the teams' decisions come from. */
  readonly decisions: {
    readonly source: 'policies' | 'file' | 'log';
    readonly scripted: number;
    readonly human: readonly string[];
  };
  readonly fork: ForkInfo | null;
  readonly stats: BatchStats;
  readonly alternative: Alternative | null;
  readonly sensitivity: Sensitivity | null;
  /** How it ran: not part of the results (they do not depend on it). */
  readonly meta: {
    readonly workers: number;
    readonly seconds: number;
    readonly runsPerSecond: number;
  };
}

export interface CommonOptions {
  readonly runs: number;
  readonly seed?: string;
  /** Worker threads (0: this thread). Default: one per core. */
  readonly workers?: number;
  /** Threads started beforehand (they replace `workers`; the batch closes them). */
  readonly threads?: BatchThreads;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface BatchOptions extends CommonOptions {
  readonly scenario: Scenario;
  readonly decisions?: Decisions;
  readonly vary?: readonly VarySpec[];
}

export { DEFAULT_RUNS };
export const DEFAULT_BATCH_SEED = '1';

/** The levels of a sweep: `steps` values from low to high, rounded to 4 decimals. */
export function sweepValues(v: VarySpec): number[] {
  const steps = Math.max(2, Math.floor(v.steps));
  return Array.from(
    { length: steps },
    (_, i) => Math.round((v.low + ((v.high - v.low) * i) / (steps - 1)) * 1e4) / 1e4,
  );
}

/** The fields every batch report opens with. */
function reportHead(scenario: Scenario, seed: string, runs: number) {
  return {
    kind: 'ttx-batch',
    format: 1,
    scenario: { id: scenario.id, title: scenario.title },
    engineVersion: ENGINE_VERSION,
    seed,
    runs,
  } as const;
}

function checkRuns(runs: number): void {
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError('runs must be a whole number ≥ 1');
}

/** N seeded runs of a scenario, with optional decisions and sensitivity sweeps. */
export async function runBatch(options: BatchOptions): Promise<BatchReport> {
  checkRuns(options.runs);
  const { scenario } = options;
  const seed = options.seed ?? DEFAULT_BATCH_SEED;
  const script = sortScript(options.decisions?.decisions ?? []);
  const human = options.decisions?.human ?? [];
  const base: Variant = { id: 'baseline', start: { scenario }, script, human, detail: true };
  const sweeps = (options.vary ?? []).map((v) => {
    const def = Object.hasOwn(scenario.factors, v.factor) ? scenario.factors[v.factor] : undefined;
    if (!def) throw new RangeError(`--vary: no factor '${v.factor}' in scenario ${scenario.id}`);
    if (!(v.low >= 0 && v.high <= 1 && v.low < v.high))
      throw new RangeError(`--vary ${v.factor}: need 0 ≤ low < high ≤ 1`);
    return { spec: v, label: def.label, baseline: def.start, values: sweepValues(v) };
  });
  const variants: Variant[] = [base];
  for (const s of sweeps) {
    for (const value of s.values) {
      variants.push({
        id: `${s.spec.factor}=${value}`,
        start: { scenario: withFactorStart(scenario, s.spec.factor, value) },
        script,
        human,
        detail: false,
      });
    }
  }
  const plan: BatchPlan = { variants, runs: options.runs, seed, onRejected: 'skip' };
  const { tables, aggregators, meta } = await timed(plan, options);
  let at = 1;
  const sensitivity: Sensitivity | null = sweeps.length
    ? {
        runsPerLevel: options.runs,
        sweeps: sweeps
          .map((s) => {
            const levels = s.values.map((value) => level(value, runsOf(tables, at++)));
            return sweep(s.spec.factor, s.label, s.baseline, levels);
          })
          .sort(
            (a, b) => Math.abs(b.effect) - Math.abs(a.effect) || a.factor.localeCompare(b.factor),
          ),
      }
    : null;
  return {
    ...reportHead(scenario, seed, options.runs),
    decisions: {
      source: options.decisions ? 'file' : 'policies',
      scripted: script.length,
      human: [...human],
    },
    fork: null,
    stats: statsOf(aggregators, 0, script),
    alternative: null,
    sensitivity,
    meta,
  };
}

export interface ForkOptions extends CommonOptions {
  /** The recorded session, replayed (see replayLog). */
  readonly session: Replayed;
  /** Name of the log, for the report. */
  readonly log: string;
  readonly atTurn: number;
  /**
   * Alternative decisions from turn T: they replace the session's own decisions of the teams
   * (issuers) they name; the other teams keep theirs. Both sets of futures are run.
   */
  readonly alternative?: Decisions;
}

/** N futures of a recorded session from the start of turn T (see fork.ts). */
export async function runFork(options: ForkOptions): Promise<BatchReport> {
  checkRuns(options.runs);
  const { session } = options;
  const scenario = session.scenario;
  const point = forkPoint(session, options.atTurn);
  const seed = options.seed ?? `${session.seed}@${options.atTurn}`;
  const start = { scenario, state: point.state, phasesBefore: point.phasesBefore };
  const own = sortScript(point.own.decisions);
  const variants: Variant[] = [{ id: 'own', start, script: own, human: [], detail: true }];
  let altScript: ScheduledDecision[] = [];
  if (options.alternative) {
    const replaced = new Set(options.alternative.decisions.map((d) => d.by));
    altScript = sortScript([
      ...own.filter((d) => !replaced.has(d.by)),
      ...options.alternative.decisions.filter((d) => d.turn >= options.atTurn),
    ]);
    variants.push({
      id: 'alternative',
      start,
      script: altScript,
      human: options.alternative.human,
      detail: true,
    });
  }
  const plan: BatchPlan = { variants, runs: options.runs, seed, onRejected: 'skip' };
  const { aggregators, meta } = await timed(plan, options);
  const stats = statsOf(aggregators, 0, own);
  const end = session.final.outcome;
  let alternative: Alternative | null = null;
  if (options.alternative) {
    const altStats = statsOf(aggregators, 1, altScript);
    alternative = {
      decisions: altScript.length,
      stats: altStats,
      successDifference: difference(altStats.outcomes.success, stats.outcomes.success),
    };
  }
  return {
    ...reportHead(scenario, seed, options.runs),
    decisions: { source: 'log', scripted: own.length, human: humanTeams(point.state) },
    fork: {
      log: options.log,
      sessionSeed: session.seed,
      atTurn: options.atTurn,
      stateHash: hashState(point.state),
      actual: end ? { result: end.result, reason: end.reason, turn: end.turn } : null,
      ownDecisions: own.length,
    },
    stats,
    alternative,
    sensitivity: null,
    meta,
  };
}

function humanTeams(state: Replayed['final']): string[] {
  return Object.entries(state.teams)
    .filter(([, t]) => t.control === 'human')
    .map(([id]) => id);
}

/** Plays the plan, aggregating the variants with detail while their runs come in. */
async function timed(
  plan: BatchPlan,
  options: CommonOptions,
): Promise<{
  tables: RunTable[];
  aggregators: readonly (Aggregator | null)[];
  meta: BatchReport['meta'];
}> {
  const workers = options.threads?.size ?? options.workers ?? defaultWorkers();
  const aggregators = plan.variants.map((v) =>
    v.detail ? new Aggregator(v.start.scenario) : null,
  );
  const t0 = performance.now();
  const tables = await runPlan(plan, {
    workers,
    ...(options.threads ? { threads: options.threads } : {}),
    onChunk: (v, columns) => aggregators[v]?.add(columns),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const seconds = (performance.now() - t0) / 1000;
  const total = plan.runs * plan.variants.length;
  return {
    tables,
    aggregators,
    meta: {
      workers,
      seconds: Math.round(seconds * 1000) / 1000,
      runsPerSecond: Math.round(total / Math.max(seconds, 1e-9)),
    },
  };
}

/** The statistics of variant v (one with detail). */
function statsOf(
  aggregators: readonly (Aggregator | null)[],
  v: number,
  script: readonly ScheduledDecision[],
): BatchStats {
  const a = aggregators[v];
  if (!a) throw new Error(`variant ${v} has no statistics`);
  return a.stats(script);
}

/** The runs of variant v (runPlan gives a table per variant). */
function runsOf(tables: readonly RunTable[], v: number): RunTable {
  const t = tables[v];
  if (!t) throw new Error(`no runs of variant ${v}`);
  return t;
}

function level(value: number, runs: RunTable): SweepLevel {
  const n = runs.length;
  const ok = runs.count('success');
  let endTurns = 0;
  for (const t of runs.endTurns()) endTurns += t;
  return {
    value,
    success: proportion(ok, n),
    notFailure: proportion(ok + runs.count('partial'), n),
    meanEndTurn: round6(endTurns / Math.max(1, n)),
  };
}

function sweep(
  factor: string,
  label: string,
  baseline: number,
  levels: readonly SweepLevel[],
): FactorSweep {
  const low = levels[0];
  const high = levels[levels.length - 1];
  const diff =
    low && high ? difference(high.success, low.success) : { d: 0, ci: [0, 0] as [number, number] };
  return { factor, label, baseline, levels, effect: diff.d, effectCi: diff.ci };
}

export { seedFor };
