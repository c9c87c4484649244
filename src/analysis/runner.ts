/**
 * One batch run: a headless game from a fresh session (seed i) or from a forked state (a real
 * session replayed to turn T, re-seeded for future i), reduced to a compact record of what the
 * analysis needs. Runs step one private working copy in place, quietly (no events, no
 * explanations); the engine reports each resolution's chance and outcome to a listener, which
 * is how inject outcomes are counted. Quiet and reported steps take the same rolls (the engine
 * guarantees it), so a record does not depend on what it collected.
 */
// The engine's modules one by one, not its index: a batch worker loads this module, and the
// index would bring in the schemas and their library, which runs never use.
import { createWorkingSession, applyInPlace, forkSession } from '../../engine/apply.js';
import type { Command } from '../../engine/commands/schema.js';
import type { Rejection } from '../../engine/errors.js';
import { phaseOf, type Phase } from '../../engine/phase.js';
import { seedRng } from '../../engine/rng.js';
import type { Scenario } from '../../engine/scenario/schema.js';
import type { SessionState } from '../../engine/state.js';
import type { ScheduledDecision } from '../run/headless.js';

/** The phases whose durations a batch measures, in the order an exercise runs them. */
export const PHASES = [
  'mandate',
  'forceGeneration',
  'deployment',
  'operations',
  'transition',
] as const;
export type MeasuredPhase = (typeof PHASES)[number];

/** Where a run starts: a fresh session of the scenario, or a forked state. */
export interface RunStart {
  readonly scenario: Scenario;
  /** A state to continue (fork from a log); absent: a fresh session. */
  readonly state?: SessionState;
  /** For a fork: the turn each phase was first entered before the fork point. */
  readonly phasesBefore?: Readonly<Partial<Record<MeasuredPhase, number>>>;
}

/** What to do with a scripted decision the rules reject. */
export type OnRejected = 'throw' | 'skip';

export interface RunOptions {
  /** Teams no policy plays: only their scripted decisions are taken. */
  readonly human?: readonly string[];
  /** Fresh batches stop on an illegal decision; forks skip decisions their future makes moot. */
  readonly onRejected: OnRejected;
  /**
   * The full record (inject outcomes, decisions, injects fired, each turn's factors), or the
   * outcome alone (end turn, factors, phases): a sweep level or a future for the odds only
   * asks "how did it end?".
   */
  readonly detail: boolean;
}

/** One inject resolution seen in a run (decoded from a record by resolutionsOf). */
export interface ResolutionRecord {
  readonly event: string;
  readonly success: boolean;
  readonly chance: number;
}

/** A run reduced to what batch statistics need (a batch keeps them in columns: columns.ts). */
export interface RunRecord {
  readonly index: number;
  readonly seed: string;
  readonly result: 'success' | 'partial' | 'failure' | 'unfinished';
  readonly reason: string;
  readonly endTurn: number;
  /** End values, in the order of `Object.keys(scenario.factors)`. */
  readonly factors: readonly number[];
  /** Turn each phase was first entered (absent: never reached). */
  readonly phases: Readonly<Partial<Record<MeasuredPhase, number>>>;
  /** How many times each inject fired, in the order of `scenario.events` (empty without detail). */
  readonly fired: readonly number[];
  /** Inject resolutions, flat: [event index, 1 for success or 0, chance, …] (see resolutionsOf). */
  readonly resolutions: readonly number[];
  /** Decisions taken in the run (see decisionFeatures). */
  readonly features: readonly string[];
  /** Scripted decisions the rules rejected (forks only; a fresh batch throws instead). */
  readonly rejected: number;
  /** Factors at the start of each turn, turn-major (empty without detail). */
  readonly history: readonly number[];
}

export class ScriptRejectedError extends Error {
  constructor(
    readonly run: number,
    readonly decision: ScheduledDecision,
    readonly rejection: Rejection,
  ) {
    super(
      `run ${run}: decision (turn ${decision.turn}, ${decision.by} ${decision.type}) was rejected: ${rejection.message}`,
    );
    this.name = 'ScriptRejectedError';
  }
}

/** Commands that only steer the exercise's clock, not the simulation: never scripted. */
const CLOCK_ONLY = new Set(['pause', 'resume', 'start', 'advance']);

/** The script a run follows: decisions in turn order (stable), clock commands removed. */
export function sortScript(decisions: readonly ScheduledDecision[]): ScheduledDecision[] {
  return decisions
    .map((d, i) => ({ d, i }))
    .filter(({ d }) => !CLOCK_ONLY.has(d.type))
    .sort((a, b) => a.d.turn - b.d.turn || a.i - b.i)
    .map(({ d }) => d);
}

/** The state a run with this seed starts from: a fresh session, or the fork re-seeded. */
export function startState(start: RunStart, seed: string): SessionState {
  if (!start.state) return createWorkingSession(start.scenario, seed);
  const work = forkSession(start.state);
  // A future of a real session: same state, fresh random draws from here on.
  work.control.rng = seedRng(seed);
  return work;
}

/** Plays one run to its end and reduces it to a record. */
export function playRun(
  start: RunStart,
  index: number,
  seed: string,
  script: readonly ScheduledDecision[],
  options: RunOptions,
): RunRecord {
  return runToEnd(start, index, seed, script, options).record;
}

/** Like playRun, and hands back the final state too (tests compare it with `ttx run`). */
export function runToEnd(
  start: RunStart,
  index: number,
  seed: string,
  script: readonly ScheduledDecision[],
  options: RunOptions,
): { state: SessionState; record: RunRecord } {
  const work = startState(start, seed);
  const sc = start.scenario;
  const factorIds = Object.keys(sc.factors);
  const injectIndex = indexOfEvents(sc);
  const phases: Partial<Record<MeasuredPhase, number>> = { ...start.phasesBefore };
  const resolutions: number[] = [];
  let rejected = 0;
  const applied: number[] = [];
  let phase: Phase = phaseOf(work);
  const notePhase = (): void => {
    const now = phaseOf(work);
    if (now === phase) return;
    phase = now;
    if (isMeasured(now) && phases[now] === undefined) phases[now] = work.public.phaseSince;
  };
  if (isMeasured(phase) && phases[phase] === undefined) phases[phase] = work.public.phaseSince;

  const steps = {
    quiet: true,
    ...(options.detail
      ? {
          onResolution: (subject: string, chance: number, outcome: string): void => {
            const k = injectIndex.get(subject);
            if (k !== undefined) resolutions.push(k, outcome === 'success' ? 1 : 0, chance);
          },
        }
      : {}),
  };
  const apply = (command: Command): ReturnType<typeof applyInPlace> => {
    const r = applyInPlace(work, command, steps);
    if (r.ok) notePhase();
    return r;
  };

  for (const team of options.human ?? []) {
    if (work.teams[team]?.control === 'human') continue;
    const r = apply({ by: 'facilitator', type: 'setControl', team, mode: 'human' });
    if (!r.ok) throw new Error(`human team '${team}': ${r.error.message}`);
  }
  if (work.paused) apply({ by: 'facilitator', type: 'resume' });
  if (work.status === 'setup') apply({ by: 'system', type: 'start' });
  let next = 0;
  while (next < script.length && (script[next]?.turn ?? Infinity) < work.turn) next++;
  while (work.status === 'running') {
    for (; next < script.length && (script[next]?.turn ?? Infinity) <= work.turn; next++) {
      const d = script[next];
      if (!d) continue;
      const { turn: _turn, ...command } = d;
      const r = apply(command);
      if (!r.ok) {
        if (options.onRejected === 'throw') throw new ScriptRejectedError(index, d, r.error);
        rejected++;
      } else applied.push(next);
    }
    const r = apply({ by: 'system', type: 'advance' });
    if (!r.ok) throw new Error(`run ${index}: the clock could not advance: ${r.error.message}`);
  }

  const fired: number[] = [];
  const history: number[] = [];
  if (options.detail) {
    for (const e of sc.events) fired.push(work.injects.fired[e.id] ?? 0);
    for (const h of work.public.history) for (const f of factorIds) history.push(h.factors[f] ?? 0);
  }
  const record: RunRecord = {
    index,
    seed,
    result: work.outcome?.result ?? 'unfinished',
    reason: work.outcome?.reason ?? 'not finished',
    endTurn: work.outcome?.turn ?? work.turn,
    factors: factorIds.map((f) => work.public.factors[f] ?? 0),
    phases,
    fired,
    resolutions,
    features: options.detail ? decisionFeatures(work, phases, applied, script.length > 0) : [],
    rejected,
    history,
  };
  return { state: work, record };
}

const eventIndexes = new WeakMap<Scenario, Map<string, number>>();

/** Each inject id's index in `scenario.events`. */
function indexOfEvents(sc: Scenario): Map<string, number> {
  let m = eventIndexes.get(sc);
  if (!m) {
    m = new Map(sc.events.map((e, i) => [e.id, i]));
    eventIndexes.set(sc, m);
  }
  return m;
}

/** The inject resolutions of a record, decoded. */
export function resolutionsOf(sc: Scenario, record: RunRecord): ResolutionRecord[] {
  const out: ResolutionRecord[] = [];
  const r = record.resolutions;
  for (let i = 0; i + 2 < r.length; i += 3) {
    out.push({
      event: sc.events[r[i] ?? -1]?.id ?? '?',
      success: r[i + 1] === 1,
      chance: r[i + 2] ?? 0,
    });
  }
  return out;
}

function isMeasured(p: Phase): p is MeasuredPhase {
  return (PHASES as readonly string[]).includes(p);
}

/**
 * The decisions a run took, as stable feature ids read from its final state (whoever took
 * them, policy or players). Each is `family:choice`; a run "faced" a family's decision when it
 * has any feature of that family (see decisionFamily), and the batch compares success among
 * the runs that faced it.
 *
 * - `draft:VII` / `draft:VI` — the chapter of the (last) UNSC draft tabled
 * - `noMandate:proceed` / `noMandate:stop` — every draft failed: the alliance acted anyway, or
 *   the exercise ended
 * - `vote:<team>:<yes|no|abstain>` — a team's vote on the first UNSC draft
 * - `nac:<ally>:<silent|objected|reservation-<caveat>>` — its stance when silence was tested
 * - `approval:<team>:<approved|refused>` — the national decision (or parliamentary vote)
 * - `pledged:<team>:<yes|no>` — an approved nation pledged forces, or not;
 *   `pledge:<team>:<capability>` — it pledged that capability
 * - `roe:<posture>` — the rules of engagement at the end (runs that reached deployment)
 * - `scripted:<n>` — the n-th decision of the run's script was applied (the rules may reject a
 *   scripted decision in a future where it no longer makes sense)
 */
export function decisionFeatures(
  s: SessionState,
  reached: Readonly<Partial<Record<MeasuredPhase, number>>>,
  applied: readonly number[],
  scripted = applied.length > 0,
): string[] {
  const out: string[] = [];
  const m = s.public.mandate;
  if (m.chapter) out.push(feature('draft', m.chapter));
  if (m.withoutMandate) out.push('noMandate:proceed');
  else if (m.votes.length > 0 && !m.votes.some((v) => v.adopted) && !reached.forceGeneration)
    out.push('noMandate:stop');
  const first = m.votes[0];
  if (first) {
    for (const member of s.scenario.unsc?.members ?? []) {
      if (member.team === undefined) continue;
      const entry = first.ballot.find((b) => b.member === member.id);
      if (entry) out.push(feature('vote', member.team, entry.vote));
    }
  }
  if (m.nac.deadline !== null && s.turn >= m.nac.deadline) {
    for (const team of s.scenario.teams) {
      if (team.kind !== 'nation' || !team.nato) continue;
      const reservation = m.nac.reservations.find((r) => r.team === team.id);
      out.push(
        m.nac.objections.includes(team.id)
          ? feature('nac', team.id, 'objected')
          : reservation
            ? feature('nac', team.id, `reservation-${reservation.caveat}`)
            : feature('nac', team.id, 'silent'),
      );
    }
  }
  for (const team in m.approvals) {
    const a = m.approvals[team];
    if (a === undefined || a === 'pending') continue;
    out.push(feature('approval', team, a));
    if (a !== 'approved' || !reached.forceGeneration) continue;
    const units = s.teams[team]?.units;
    out.push(feature('pledged', team, (units?.pledged ?? 0) > 0 ? 'yes' : 'no'));
    const byCapability: Readonly<Record<string, number | undefined>> = units?.byCapability ?? {};
    for (const cap in byCapability) {
      if ((byCapability[cap] ?? 0) > 0) out.push(feature('pledge', team, cap));
    }
  }
  if (reached.deployment !== undefined) out.push(feature('roe', s.public.roe));
  // Every run faces its whole script: the marker puts the runs that applied none in the family.
  if (scripted) out.push('scripted');
  for (const i of applied) out.push(feature('scripted', String(i)));
  return out;
}

/**
 * `kind:a[:b]`, made once: every run of a batch names the same few dozen features, and the
 * same string each time is cheap to count (its hash is kept) where a fresh one is not.
 */
function feature(kind: string, a: string, b?: string): string {
  let byA = features.get(kind);
  if (!byA) features.set(kind, (byA = new Map<string, Map<string, string>>()));
  let byB = byA.get(a);
  if (!byB) byA.set(a, (byB = new Map<string, string>()));
  const key = b ?? '';
  let id = byB.get(key);
  if (id === undefined) {
    // A long-lived process (the server's reports) drops the memo before it grows large.
    if (++featuresMade > 10_000) {
      features.clear();
      featuresMade = 0;
    }
    id = b === undefined ? `${kind}:${a}` : `${kind}:${a}:${b}`;
    byB.set(key, id);
  }
  return id;
}
const features = new Map<string, Map<string, Map<string, string>>>();
let featuresMade = 0;

/**
 * The decision a feature is a choice of: the runs that have any feature of the same family
 * faced that decision. (`pledge:<team>:<capability>` belongs to `pledged:<team>`; every run
 * faces its script.)
 */
export function decisionFamily(feature: string): string {
  const parts = feature.split(':');
  const [kind = '', team = ''] = parts;
  switch (kind) {
    case 'vote':
    case 'nac':
    case 'approval':
    case 'pledged':
      return `${kind}:${team}`;
    case 'pledge':
      return `pledged:${team}`;
    case 'scripted':
      return 'scripted';
    default:
      return kind;
  }
}
