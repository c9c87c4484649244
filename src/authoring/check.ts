/**
 * `checkScenario`: property-based testing of a scenario (what `ttx check` runs).
 *
 * 1. **Explore**: fast-check generates seeds × choice tapes (random *legal* decisions for every
 *    team and the white cell, then the clock and default policies); each run is played and
 *    every state it reaches is checked: a legal state, the author's invariants, what it covers
 *    (stages, events, reachability claims) and how close it comes to what is not yet covered.
 *    After the run: it terminated; replaying its log, with a JSON save and restore midway,
 *    reaches the identical state; a run that timed out was not stuck in a dead end.
 * 2. **Guide**: while some stage, event or reachability claim is uncovered, mutate the run
 *    that came closest (hill climbing on the distance) for a bounded number of extra runs.
 * 3. **Statistics**: each statistical claim is measured on default-policy runs over seeds.
 * 4. **Shrink**: each failure is shrunk with fast-check's shrinkers to a minimal seed and
 *    choice tape that still fails the same way; its command log is the counterexample.
 */
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import {
  hashState,
  replay,
  type Command,
  type PolicyAssumptionDef,
  type Scenario,
  type SessionState,
} from '../../engine/index.js';
import { playScenario } from '../run/headless.js';
import { describeConditions, explainCondition } from './conditions.js';
import { CHOICE_MAX, DEFAULT_MAX_CHOICES, rawPlays, toPlay, type RawPlay } from './arbitraries.js';
import {
  allTargets,
  exploreBatch,
  splitTarget,
  statisticHits,
  Subject,
  summarize,
  type EvalOptions,
  type RunReport,
  type RunSummary,
  type StatisticDef,
  type Violation,
} from './evaluate.js';
import { replayInPlace } from './play.js';
import { Pool } from './pool.js';
import { withPolicies } from './run.js';
import { DEFAULT_CHECK_SEED, DEFAULT_RUNS } from './defaults.js';

export { DEFAULT_CHECK_SEED, DEFAULT_RUNS };

export interface CheckOptions {
  /** Random runs to explore (default {@link DEFAULT_RUNS}). */
  readonly runs?: number;
  /** fast-check seed: the same seed explores the same runs (default {@link DEFAULT_CHECK_SEED}). */
  readonly seed?: number;
  /** Longest choice tape (default {@link DEFAULT_MAX_CHOICES}). */
  readonly maxChoices?: number;
  /** Extra guided runs while something is uncovered (default: half of `runs`). */
  readonly guidedRuns?: number;
  /** Worker threads for the random runs and statistics (default 1: this thread only). */
  readonly workers?: number;
  /** Most evaluations spent shrinking one counterexample (default 1000). */
  readonly shrinkBudget?: number;
  /** Progress reports (for a progress line on a terminal). */
  readonly onProgress?: (p: Progress) => void;
}

export interface Progress {
  readonly phase: 'explore' | 'guide' | 'statistics' | 'shrink';
  readonly done: number;
  readonly total: number;
}

export type ResultKind = 'built-in' | 'invariant' | 'reachable' | 'statistic';

export interface CheckResult {
  /** `terminates`, `no-exception`, `legal-state`, `deterministic`, `save-restore`,
   * `coverage`, `no-dead-end`, or an author property's id. */
  readonly id: string;
  readonly kind: ResultKind;
  /** The claim in words. */
  readonly claim: string;
  readonly ok: boolean;
  /** One line: what was checked and what was found. */
  readonly detail: string;
  /** More lines (coverage gaps, statistics). */
  readonly lines: readonly string[];
  readonly counterexample?: Counterexample;
}

export interface Counterexample {
  /** The scenario the run was played on (`assuming` applied, for a statistic). */
  readonly scenario: Scenario;
  readonly assuming?: PolicyAssumptionDef;
  readonly seed: string;
  /** The shrunk choice tape (empty: default policies only). */
  readonly choices: readonly number[];
  /** The command log up to the failing state. */
  readonly commands: readonly Command[];
  /** Turn in which each command was issued. */
  readonly turns: readonly number[];
  /** A command that threw or was refused, after `commands` (not applied). */
  readonly failingCommand?: Command;
  /** The state the log replays to (absent when a command fails). */
  readonly state?: { readonly hash: string; readonly turn: number; readonly stage: string };
  /** Why this state (or run) breaks the property. */
  readonly why: readonly string[];
  readonly shrink: {
    /** The run first found: its seed, tape length, and commands up to its failing state. */
    readonly from: { readonly seed: string; readonly choices: number; readonly commands: number };
    readonly steps: number;
    readonly note?: string;
  };
}

export interface CheckReport {
  readonly scenario: string;
  readonly title: string;
  readonly ok: boolean;
  readonly seed: number;
  readonly runs: number;
  readonly guidedRuns: number;
  readonly states: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly durationMs: number;
  readonly results: readonly CheckResult[];
}

/** The built-in invariants, in report order. */
export const BUILT_INS = [
  ['terminates', 'every run reaches an end within the turn limit'],
  ['no-exception', 'no command throws, and every command listed as legal is accepted'],
  ['legal-state', 'factors stay in 0..1, resources never go negative, every reference resolves'],
  ['deterministic', 'replaying a run’s command log reaches the identical state'],
  ['save-restore', 'a state saved as JSON mid-run and restored ends at the identical state'],
  ['coverage', 'every phase state and every event is reached in some run'],
  ['no-dead-end', 'no run gets stuck: from every reached state the exercise can move on'],
] as const;

type BuiltIn = (typeof BUILT_INS)[number][0];

// ---------------------------------------------------------------------------------------
// The check

interface Found {
  raw: RawPlay;
  violation: Violation;
}

/**
 * Property-based check of a scenario; see the module comment. With `workers` > 1 the random
 * runs and the statistics are spread over worker threads; the report is the same.
 */
export async function checkScenario(
  scenario: Scenario,
  options: CheckOptions = {},
): Promise<CheckReport> {
  const t0 = performance.now();
  const runs = options.runs ?? DEFAULT_RUNS;
  const seed = options.seed ?? DEFAULT_CHECK_SEED;
  const maxChoices = options.maxChoices ?? DEFAULT_MAX_CHOICES;
  const guidedBudget = options.guidedRuns ?? Math.ceil(runs / 2);
  const shrinkBudget = options.shrinkBudget ?? 1000;
  const progress = options.onProgress ?? ((): void => {});
  const subject = new Subject(scenario);
  const arb = rawPlays({ maxChoices });
  const pool = (options.workers ?? 1) > 1 ? await Pool.open(scenario, options.workers ?? 1) : null;
  try {
    return await check();
  } finally {
    await pool?.close();
  }

  async function check(): Promise<CheckReport> {
    const first = new Map<string, Found>();
    const counts = new Map<string, number>();
    const stagesSeen = new Set<string>();
    const eventsSeen = new Set<string>();
    const reachedBy = new Map<string, RawPlay>();
    const best = new Map<string, { raw: RawPlay; d: number; step: number }>();
    const outcomes: Record<string, number> = {};
    let states = 0;
    let timeouts = 0;

    const targets = (): string[] =>
      allTargets(subject).filter((t) => {
        const [kind, id] = splitTarget(t);
        return kind === 'stage'
          ? !stagesSeen.has(id)
          : kind === 'event'
            ? !eventsSeen.has(id)
            : !reachedBy.has(id);
      });
    const absorb = (raw: RawPlay, run: RunSummary): void => {
      states += run.states;
      if (run.timedOut) timeouts++;
      outcomes[run.result] = (outcomes[run.result] ?? 0) + 1;
      for (const [id, v] of run.violations) {
        counts.set(id, (counts.get(id) ?? 0) + 1);
        if (!first.has(id)) first.set(id, { raw, violation: v });
      }
      run.stages.forEach((s) => stagesSeen.add(s));
      run.events.forEach((e) => eventsSeen.add(e));
      for (const id of run.reached) if (!reachedBy.has(id)) reachedBy.set(id, raw);
      for (const [key, c] of run.closest) {
        const b = best.get(key);
        if (!b || c.d < b.d) best.set(key, { raw, d: c.d, step: c.step });
      }
    };

    // 1. Explore: contiguous batches (one per worker), merged in run order.
    const inputs = fc.sample(arb, { numRuns: runs, seed });
    const plays = inputs.map(toPlay);
    let done = 0;
    const tick = (): void => {
      done++;
      if (done % 10 === 0) progress({ phase: 'explore', done, total: runs });
    };
    let summaries: RunSummary[];
    if (pool) {
      const size = Math.ceil(plays.length / pool.size);
      const batches = Array.from({ length: pool.size }, (_, i) =>
        plays.slice(i * size, (i + 1) * size),
      );
      const reported = batches.map(() => 0);
      const results = await Promise.all(
        batches.map((batch, b) =>
          pool.run({ kind: 'explore', plays: batch }, (n) => {
            for (; reported[b]! < n; reported[b]!++) tick();
          }),
        ),
      );
      summaries = (results as RunSummary[][]).flat();
    } else {
      summaries = exploreBatch(subject, plays, tick);
    }
    summaries.forEach((run, i) => absorb(inputs[i]!, run));

    // 2. Guide: hill-climb from the closest run towards what is still uncovered.
    const rng = seedrandom.alea(`ttx-check-${seed}`);
    let guided = 0;
    let cursor = 0;
    while (guided < guidedBudget) {
      const open = targets().filter((t) => best.has(t));
      if (open.length === 0) break;
      const target = open[cursor++ % open.length]!;
      const from = best.get(target)!;
      const raw = mutate(from.raw, rng, maxChoices, from.step);
      const rep = subject.evaluate(toPlay(raw), {
        targets: targets(),
        replay: true,
        deadEnd: !first.has('no-dead-end'),
      });
      absorb(raw, summarize(rep));
      const c = rep.closest.get(target);
      const now = best.get(target);
      // Ties are accepted too: a random walk across a plateau of equally close runs.
      if (c && now && c.d <= now.d) best.set(target, { raw, d: c.d, step: c.step });
      guided++;
      if (guided % 10 === 0) progress({ phase: 'guide', done: guided, total: guidedBudget });
    }

    // Statistics: each claim's seeds, in batches over the workers.
    const hitsOf = new Map<string, boolean[] | Error>();
    for (const p of scenario.properties ?? []) {
      if (!p.statistic) continue;
      progress({ phase: 'statistics', done: 0, total: 1 });
      const n = p.statistic.runs ?? statisticRuns(p.statistic.tolerance);
      try {
        if (pool) {
          const size = Math.ceil(n / pool.size);
          const parts = await Promise.all(
            Array.from({ length: pool.size }, (_, i) =>
              pool.run({
                kind: 'statistic',
                property: p.id,
                from: i * size,
                to: Math.min(n, (i + 1) * size),
              }),
            ),
          );
          hitsOf.set(p.id, (parts as boolean[][]).flat());
        } else hitsOf.set(p.id, statisticHits(scenario, p.statistic, 0, n));
      } catch (err) {
        hitsOf.set(p.id, err instanceof Error ? err : new Error(String(err)));
      }
    }

    // 3. Results, with shrunk counterexamples.
    const shrinker = new Shrinker(subject, arb, shrinkBudget, progress);
    const results: CheckResult[] = [];
    const total = runs + guided;
    const tally = (id: string): string => {
      const n = counts.get(id) ?? 0;
      return `${n} of ${total} runs`;
    };
    for (const [id, claim] of BUILT_INS) {
      if (id === 'coverage') {
        results.push(coverageResult(subject, stagesSeen, eventsSeen, best, shrinker, total));
        continue;
      }
      const found = first.get(id);
      if (!found) {
        results.push({
          id,
          kind: 'built-in',
          claim,
          ok: true,
          detail: passDetail(id, total, states, timeouts),
          lines: [],
        });
        continue;
      }
      const counterexample = shrinker.violation(id, found);
      results.push({
        id,
        kind: 'built-in',
        claim,
        ok: false,
        // The dead-end search stops at the first stuck run (it is costly): no count.
        detail: id === 'no-dead-end' ? 'a run got stuck' : `failed in ${tally(id)}`,
        lines: found.violation.why,
        counterexample,
      });
    }
    for (const p of scenario.properties ?? []) {
      const claim = p.claim ?? p.id;
      if (p.invariant) {
        const key = `prop:${p.id}`;
        const found = first.get(key);
        const what = `${describeConditions(p.invariant.always)}${p.invariant.while?.length ? ` while ${describeConditions(p.invariant.while)}` : ''}`;
        results.push(
          found
            ? {
                id: p.id,
                kind: 'invariant',
                claim,
                ok: false,
                detail: `${what}: broken in ${tally(key)}`,
                lines: found.violation.why,
                counterexample: shrinker.violation(key, found),
              }
            : {
                id: p.id,
                kind: 'invariant',
                claim,
                ok: true,
                detail: `${what}: held in every state of ${total} runs`,
                lines: [],
              },
        );
      } else if (p.reachable) {
        const by = reachedBy.get(p.id);
        const what = describeConditions(p.reachable);
        if (by) {
          results.push({
            id: p.id,
            kind: 'reachable',
            claim,
            ok: true,
            detail: `${what}: reached (seed "${by[0]}")`,
            lines: [],
          });
        } else {
          const b = best.get(`reach:${p.id}`);
          const cx = b ? shrinker.closest(`reach:${p.id}`, b) : undefined;
          results.push({
            id: p.id,
            kind: 'reachable',
            claim,
            ok: false,
            detail: `${what}: never reached in ${total} runs`,
            lines: cx
              ? [
                  `closest run (seed "${cx.seed}"), at turn ${cx.state?.turn ?? '?'}: ${cx.why.join('; ')}`,
                ]
              : [],
            ...(cx ? { counterexample: cx } : {}),
          });
        }
      } else if (p.statistic) {
        results.push(statisticResult(scenario, p.id, claim, p.statistic, hitsOf.get(p.id)));
      }
    }
    return {
      scenario: scenario.id,
      title: scenario.title,
      ok: results.every((r) => r.ok),
      seed,
      runs,
      guidedRuns: guided,
      states,
      outcomes,
      durationMs: performance.now() - t0,
      results,
    };
  }
}

function passDetail(id: BuiltIn, total: number, states: number, timeouts: number): string {
  switch (id) {
    case 'terminates':
      return `all ${total} runs ended within the turn limit`;
    case 'no-exception':
      return `${states} steps, no exception, no refused legal command`;
    case 'legal-state':
      return `${states} states checked`;
    case 'deterministic':
      return `${total} runs replayed from their logs to the identical state`;
    case 'save-restore':
      return `${total} runs saved and restored mid-run ended identically`;
    case 'no-dead-end':
      return timeouts === 0
        ? 'no run timed out'
        : `${timeouts} timed-out runs could all have moved on`;
    default:
      return '';
  }
}

/**
 * A nearby play: another seed, or choices changed, inserted, dropped or appended; half the
 * time new choices go in at `frontier`, where the run came closest (a tape position is a
 * command index, so decisions land just where they can make a difference).
 */
function mutate(
  [seed, choices]: RawPlay,
  rng: () => number,
  maxChoices: number,
  frontier: number,
): RawPlay {
  const int = (n: number): number => Math.floor(rng() * n);
  const next = choices.slice();
  const ops = 1 + int(3);
  let s = seed;
  for (let k = 0; k < ops; k++) {
    const op = int(6);
    if (op === 5) {
      const at = Math.max(0, Math.min(next.length, frontier - 1 - int(3)));
      next.splice(at, 0, ...Array.from({ length: 1 + int(4) }, () => int(CHOICE_MAX)));
    } else if (op === 0) s = int(2 ** 31);
    else if (op === 1 && next.length > 0) next[int(next.length)] = int(CHOICE_MAX);
    else if (op === 2)
      next.splice(
        int(next.length + 1),
        0,
        ...Array.from({ length: 1 + int(8) }, () => int(CHOICE_MAX)),
      );
    else if (op === 3 && next.length > 0) next.splice(int(next.length), 1 + int(8));
    else next.push(...Array.from({ length: 1 + int(16) }, () => int(CHOICE_MAX)));
  }
  return [s, next.slice(0, 2 * maxChoices)];
}

// ---------------------------------------------------------------------------------------
// Coverage and statistics

function coverageResult(
  subject: Subject,
  stagesSeen: ReadonlySet<string>,
  eventsSeen: ReadonlySet<string>,
  best: ReadonlyMap<string, { raw: RawPlay; d: number; step: number }>,
  shrinker: Shrinker,
  total: number,
): CheckResult {
  const sc = subject.scenario;
  const [, claim] = BUILT_INS[5];
  const missingStages = subject.stages.filter((s) => !stagesSeen.has(s));
  const missingEvents = sc.events.filter((e) => !eventsSeen.has(e.id));
  const detail = `${subject.stages.length - missingStages.length}/${subject.stages.length} phase states, ${sc.events.length - missingEvents.length}/${sc.events.length} events in ${total} runs`;
  if (missingStages.length === 0 && missingEvents.length === 0) {
    return { id: 'coverage', kind: 'built-in', claim, ok: true, detail, lines: [] };
  }
  const lines: string[] = [];
  let counterexample: Counterexample | undefined;
  const gaps = [
    ...missingEvents.map((e) => ({ key: `event:${e.id}`, label: `event '${e.id}' never fired` })),
    ...missingStages.map((s) => ({ key: `stage:${s}`, label: `phase state ${s} never reached` })),
  ];
  for (const gap of gaps) {
    const b = best.get(gap.key);
    if (!b) {
      lines.push(gap.label);
      continue;
    }
    // The first gap gets a shrunk counterexample (its closest run); the others a pointer.
    const cx =
      counterexample === undefined ? shrinker.closest(gap.key, b) : shrinker.describe(gap.key, b);
    counterexample ??= cx;
    lines.push(
      `${gap.label}; closest run (seed "${cx.seed}", turn ${cx.state?.turn ?? '?'}): ${cx.why.join('; ')}`,
    );
  }
  return {
    id: 'coverage',
    kind: 'built-in',
    claim,
    ok: false,
    detail,
    lines,
    ...(counterexample ? { counterexample } : {}),
  };
}

/** Runs a statistic claim samples by default: enough for ±tolerance at 95% (100..2000). */
export function statisticRuns(tolerance: number): number {
  const n = Math.ceil((1.96 * 0.5) / Math.max(tolerance, 1e-3)) ** 2;
  return Math.min(2000, Math.max(100, n));
}

/** Wilson score interval at 95%. */
export function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.96;
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function statisticResult(
  scenario: Scenario,
  id: string,
  claim: string,
  st: StatisticDef,
  measured: boolean[] | Error | undefined,
): CheckResult {
  const sc = withPolicies(scenario, st.assuming);
  if (!measured || measured instanceof Error) {
    return {
      id,
      kind: 'statistic',
      claim,
      ok: false,
      detail: `a run failed: ${measured?.message.split('\n')[0] ?? 'not measured'}`,
      lines: [],
    };
  }
  const hits = measured;
  const n = hits.length;
  const k = hits.filter(Boolean).length;
  const claimed = [
    st.atLeast !== undefined ? `≥ ${st.atLeast}` : '',
    st.atMost !== undefined ? `≤ ${st.atMost}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  const rate = k / n;
  const [lo, hi] = wilson(k, n);
  const low = st.atLeast !== undefined && rate < st.atLeast - st.tolerance;
  const high = st.atMost !== undefined && rate > st.atMost + st.tolerance;
  const assumed =
    st.assuming && Object.keys(st.assuming).length
      ? ` assuming ${JSON.stringify(st.assuming)}`
      : '';
  const detail = `${describeConditions(st.ending)}: ${(rate * 100).toFixed(1)}% of ${n} seeds (95% CI ${(lo * 100).toFixed(1)}–${(hi * 100).toFixed(1)}%), claimed ${claimed} ± ${st.tolerance}${assumed}`;
  if (!low && !high) return { id, kind: 'statistic', claim, ok: true, detail, lines: [] };
  // The smallest sampled seed whose run goes against the claim.
  const against = hits.findIndex((h) => (low ? !h : h));
  const witness = { seed: String(against) };
  const run = playScenario(sc, witness.seed, { keepEvents: false });
  const commands = run.commands;
  const state = replay(sc, witness.seed, commands);
  return {
    id,
    kind: 'statistic',
    claim,
    ok: false,
    detail,
    lines: [
      low
        ? `only ${k} of ${n} runs end with ${describeConditions(st.ending)}; at least ${Math.ceil((st.atLeast! - st.tolerance) * n)} were needed`
        : `${k} of ${n} runs end with ${describeConditions(st.ending)}; at most ${Math.floor((st.atMost! + st.tolerance) * n)} were allowed`,
    ],
    counterexample: {
      scenario: sc,
      ...(st.assuming ? { assuming: st.assuming } : {}),
      seed: witness.seed,
      choices: [],
      commands,
      turns: turnsOf(sc, witness.seed, commands),
      state: { hash: hashState(state), turn: state.turn, stage: state.stage },
      why: [
        `on default policies${assumed}, seed "${witness.seed}" ${low ? 'does not end' : 'ends'} with ${describeConditions(st.ending)}: ${st.ending.flatMap((c) => explainCondition(state, c)).join(', ')}`,
      ],
      shrink: {
        from: { seed: witness.seed, choices: 0, commands: commands.length },
        steps: 0,
        note: `the smallest of the sampled seeds 0…${n - 1} that goes against the claim`,
      },
    },
  };
}

/** The turn each command of a log was issued in. */
function turnsOf(sc: Scenario, seed: string, commands: readonly Command[]): number[] {
  const turns: number[] = [];
  const r = replayInPlace(sc, seed, []);
  if (!r.ok) return turns;
  const work = r.state;
  for (const c of commands) {
    turns.push(work.turn);
    replayInPlace(sc, seed, [c], work);
  }
  return turns;
}

// ---------------------------------------------------------------------------------------
// Shrinking

class Shrinker {
  constructor(
    private readonly subject: Subject,
    private readonly arb: fc.Arbitrary<RawPlay>,
    private readonly budget: number,
    private readonly progress: (p: Progress) => void,
  ) {}

  /** Greedy descent through fast-check's shrink tree, as fast-check itself shrinks. */
  private shrink(raw: RawPlay, fails: (r: RawPlay) => boolean): { raw: RawPlay; steps: number } {
    let current = raw;
    let context: unknown = undefined;
    let steps = 0;
    let evaluations = 0;
    outer: while (evaluations < this.budget) {
      for (const candidate of this.arb.shrink(current, context)) {
        if (evaluations++ >= this.budget) break outer;
        if (evaluations % 20 === 0)
          this.progress({ phase: 'shrink', done: evaluations, total: this.budget });
        if (fails(candidate.value)) {
          current = candidate.value;
          context = candidate.context;
          steps++;
          continue outer;
        }
      }
      break;
    }
    return { raw: current, steps };
  }

  /** A shrunk counterexample for a violation (`legal-state`, `prop:x` …). */
  violation(id: string, found: Found): Counterexample {
    const opts: EvalOptions = {
      targets: [],
      replay: id === 'deterministic' || id === 'save-restore',
      deadEnd: id === 'no-dead-end',
      stopOn: id,
    };
    const fails = (raw: RawPlay): boolean =>
      this.subject.evaluate(toPlay(raw), opts).violations.has(id);
    const { raw, steps } = this.shrink(found.raw, fails);
    const rep = this.subject.evaluate(toPlay(raw), opts);
    const v = rep.violations.get(id) ?? found.violation;
    return this.build(
      raw,
      rep,
      v.step,
      v.why,
      { raw: found.raw, steps, step: found.violation.step },
      id,
    );
  }

  /** A shrunk run that comes as close to `target` as the closest run did. */
  closest(target: string, b: { raw: RawPlay; d: number; step: number }): Counterexample {
    const opts: EvalOptions = { targets: [target], replay: false, deadEnd: false };
    const near = (raw: RawPlay): boolean =>
      (this.subject.evaluate(toPlay(raw), opts).closest.get(target)?.d ?? Infinity) <= b.d + 1e-9;
    const { raw, steps } = this.shrink(b.raw, near);
    return this.describe(target, { raw }, { raw: b.raw, steps, step: b.step });
  }

  /** The run `b.raw` as a counterexample for `target`, cut at its closest state. */
  describe(
    target: string,
    b: { raw: RawPlay },
    shrunk?: { raw: RawPlay; steps: number; step: number },
  ): Counterexample {
    const rep = this.subject.evaluate(toPlay(b.raw), {
      targets: [target],
      replay: false,
      deadEnd: false,
    });
    const c = rep.closest.get(target);
    const step = c?.step ?? rep.out.commands.length;
    const state = replay(this.subject.scenario, String(b.raw[0]), rep.out.commands.slice(0, step));
    const from = shrunk ?? { raw: b.raw, steps: 0, step };
    return this.build(b.raw, rep, step, this.whyNot(target, state), from, target);
  }

  private whyNot(target: string, s: SessionState): string[] {
    const [kind, id] = splitTarget(target);
    if (kind === 'stage') {
      const sc = s.scenario;
      const parts = [`${s.stage} at turn ${s.turn}`];
      if (id === 'mandate.unsc.blocked' && s.stage.startsWith('mandate.unsc.')) {
        const failed = s.public.mandate.votes.filter((v) => !v.adopted).length;
        parts.push(`${failed} of ${sc.unsc?.maxDrafts ?? 1} drafts failed`);
      } else if (s.stage === 'deployment.operations') {
        parts.push(
          ...sc.endConditions.success.all.flatMap((c) => explainCondition(s, c)),
          `end state held ${s.public.successStreak} of ${sc.endConditions.success.forTurns} turns`,
        );
      }
      return parts;
    }
    if (kind === 'reach') {
      const r = this.subject.reachables.find((x) => x.id === id);
      return r ? r.holds.flatMap((c) => explainCondition(s, c)) : [];
    }
    const def = this.subject.events.get(id);
    if (!def) return [];
    const t = def.trigger;
    const parts: string[] = [];
    if (t.turn !== undefined)
      parts.push(`turn ${s.turn} (fires at turn ${t.turn}) ${s.turn === t.turn ? '✓' : '✗'}`);
    if (t.phase !== undefined) parts.push(...explainCondition(s, { phase: t.phase }));
    for (const c of t.when ?? []) parts.push(...explainCondition(s, c));
    if (t.chance !== undefined && parts.every((p) => !p.endsWith('✗')))
      parts.push(`every condition held; the ${Math.round(t.chance * 100)}% roll did not come up`);
    return parts.length ? parts : ['its trigger held, yet it did not fire'];
  }

  private build(
    raw: RawPlay,
    rep: RunReport,
    step: number,
    why: readonly string[],
    /** The run first found: its play, the shrink steps taken, its failing step. */
    shrunk: { raw: RawPlay; steps: number; step: number },
    id: string,
  ): Counterexample {
    const sc = this.subject.scenario;
    const seed = String(raw[0]);
    const error = rep.out.error;
    const cutAt =
      id === 'no-exception' ? rep.out.commands.length : Math.min(step, rep.out.commands.length);
    const commands = rep.out.commands.slice(0, cutAt);
    const from = {
      seed: String(shrunk.raw[0]),
      choices: shrunk.raw[1].length,
      commands: shrunk.step,
    };
    let state: Counterexample['state'];
    if (!(id === 'no-exception' && error)) {
      try {
        const s = replay(sc, seed, commands);
        state = { hash: hashState(s), turn: s.turn, stage: s.stage };
      } catch {
        state = undefined;
      }
    }
    return {
      scenario: sc,
      seed,
      choices: raw[1],
      commands,
      turns: rep.out.turns.slice(0, cutAt),
      ...(id === 'no-exception' && error?.command ? { failingCommand: error.command } : {}),
      ...(state ? { state } : {}),
      why,
      shrink: { from, steps: shrunk.steps },
    };
  }
}
