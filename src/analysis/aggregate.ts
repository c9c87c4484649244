/**
 * From runs to batch statistics: outcomes with 95 % Wilson intervals, end turns, end factors,
 * phase durations, injects and their success rates, the decisions most associated with
 * success, and factor trajectories. Runs are read from their columns (columns.ts) chunk by
 * chunk in run order, while the batch plays or afterwards: every sum is taken in run order, so
 * the statistics are a function of the runs alone, to the bit.
 */
import type { Scenario } from '../../engine/index.js';
import type { ScheduledDecision } from '../run/headless.js';
import { RESULT_CODES, type RunColumns, type RunResult } from './columns.js';
import type { RunTable } from './run-table.js';
import { decisionFamily, PHASES, type MeasuredPhase } from './runner.js';
import {
  integerHistogram,
  proportion,
  round6,
  summarize,
  unitHistogram,
  type Proportion,
  type Summary,
} from './stats.js';
import { Trajectories, type Trajectory } from './trajectories.js';

export type { Trajectory, TrajectoryPoint } from './trajectories.js';

export type Result = 'success' | 'partial' | 'failure';
export const RESULTS: readonly Result[] = ['success', 'partial', 'failure'];
const SUCCESS = RESULT_CODES.indexOf('success');

export interface FactorStats {
  readonly id: string;
  readonly label: string;
  readonly start: number;
  readonly end: Summary;
  /** 20 bins over [0, 1]. */
  readonly histogram: readonly number[];
  /** Mean end value among successful runs and among the others (null when there are none). */
  readonly meanIfSuccess: number | null;
  readonly meanOtherwise: number | null;
}

export interface PhaseStats {
  readonly phase: MeasuredPhase;
  readonly label: string;
  /** Runs that entered the phase. */
  readonly reached: Proportion;
  /** Turns spent in the phase, over the runs that entered it. */
  readonly turns: Summary;
  readonly histogram: readonly { value: number; count: number }[];
}

export interface InjectStats {
  readonly id: string;
  readonly title: string;
  readonly kind: string;
  /** Runs in which it fired at least once. */
  readonly runs: Proportion;
  /** Times it fired, over all runs. */
  readonly fired: number;
  readonly resolved: number;
  /** Successes among its resolutions (null for injects that take no roll). */
  readonly success: Proportion | null;
  /** Mean chance of success computed at its resolutions (null if never resolved). */
  readonly meanChance: number | null;
}

export interface DecisionStats {
  readonly id: string;
  readonly label: string;
  /** Runs that took this decision, and the share of them that succeeded. */
  readonly taken: Proportion;
  /** Runs that faced the same decision and chose otherwise, and their success share. */
  readonly notTaken: Proportion;
  /** Success rate with it minus without it. */
  readonly difference: number;
}

export interface BatchStats {
  readonly runs: number;
  readonly outcomes: Readonly<Record<Result, Proportion>>;
  readonly unfinished: number;
  readonly reasons: readonly { result: string; reason: string; count: number; p: number }[];
  readonly endTurn: Summary;
  readonly endTurnHistogram: readonly { value: number; count: number }[];
  readonly factors: readonly FactorStats[];
  readonly phases: readonly PhaseStats[];
  readonly injects: readonly InjectStats[];
  /** Decisions most associated with success (largest |difference| first). */
  readonly decisions: readonly DecisionStats[];
  /** Scripted decisions the rules rejected, over all runs. */
  readonly rejectedDecisions: number;
  /** Per factor, its distribution at the start of each turn (ended runs keep their end values). */
  readonly trajectories: readonly Trajectory[];
}

export const PHASE_LABELS: Readonly<Record<MeasuredPhase, string>> = {
  mandate: 'Mandate',
  forceGeneration: 'Force generation',
  deployment: 'Deployment (lift, RSOM, IOC)',
  operations: 'Operations',
  transition: 'Transition and redeployment',
};

/** Aggregates the runs of one variant. */
export function aggregate(
  scenario: Scenario,
  runs: RunTable,
  script: readonly ScheduledDecision[] = [],
): BatchStats {
  const a = new Aggregator(scenario);
  for (const c of runs.chunks) a.add(c);
  return a.stats(script);
}

/** Runs and successes; `seen`: the last run counted, so that a run counts once. */
interface Tally {
  runs: number;
  success: number;
  seen: number;
}

/** A decision (feature) and the family of decisions it is a choice of. */
interface FeatureTally extends Tally {
  readonly family: Tally;
}

interface InjectTally {
  runs: number;
  fired: number;
  resolved: number;
  ok: number;
  chance: number;
}

/** A sum and a count, for a mean. */
interface Sum {
  sum: number;
  n: number;
}

/** The statistics of one variant, accumulated chunk by chunk (see runPlan's onChunk). */
export class Aggregator {
  private n = 0;
  private readonly results = RESULT_CODES.map(() => 0);
  private readonly reasons = new Map<string, { result: string; reason: string; count: number }>();
  private readonly endTurns: number[] = [];
  private readonly factors: { values: number[]; ifSuccess: Sum; otherwise: Sum }[];
  /** Per phase, the turns spent in it by each run that entered it. */
  private readonly durations: number[][] = PHASES.map(() => []);
  private readonly injects: InjectTally[];
  private rejected = 0;
  private readonly taken = new Map<string, FeatureTally>();
  private readonly faced = new Map<string, Tally>();
  private readonly trajectories: Trajectories;

  constructor(private readonly scenario: Scenario) {
    const factorIds = Object.keys(scenario.factors);
    this.factors = factorIds.map(() => ({
      values: [],
      ifSuccess: { sum: 0, n: 0 },
      otherwise: { sum: 0, n: 0 },
    }));
    this.injects = scenario.events.map(() => ({
      runs: 0,
      fired: 0,
      resolved: 0,
      ok: 0,
      chance: 0,
    }));
    this.trajectories = new Trajectories(factorIds);
  }

  /** The next chunk of runs: chunks come in run order, from run 0. */
  add(c: RunColumns): void {
    if (c.from !== this.n) throw new Error(`runs from ${this.n} expected, not from ${c.from}`);
    for (let j = 0; j < c.count; j++) {
      const run = c.from + j;
      const code = c.result[j] ?? 0;
      this.results[code] = (this.results[code] ?? 0) + 1;
      const result = RESULT_CODES[code] ?? 'unfinished';
      const reason = c.strings[c.reason[j] ?? 0] ?? '';
      const key = `${result}\u0000${reason}`;
      const entry = this.reasons.get(key) ?? { result, reason, count: 0 };
      entry.count++;
      this.reasons.set(key, entry);
      const endTurn = c.endTurn[j] ?? 0;
      this.endTurns.push(endTurn);
      this.rejected += c.rejected[j] ?? 0;
      this.factors.forEach((f, k) => {
        const v = c.factors[j * c.factorWidth + k] ?? 0;
        f.values.push(v);
        const side = code === SUCCESS ? f.ifSuccess : f.otherwise;
        side.sum += v;
        side.n++;
      });
      this.addPhases(c, j, endTurn);
      this.addInjects(c, j);
      this.addDecisions(c, j, run);
    }
    this.trajectories.add(c);
    this.n += c.count;
  }

  private addPhases(c: RunColumns, j: number, endTurn: number): void {
    const P = PHASES.length;
    for (let k = 0; k < P; k++) {
      const from = c.phases[j * P + k] ?? -1;
      if (from < 0) continue;
      // The phase lasts until the next phase the run entered, or the end of the run.
      let to = endTurn;
      for (let later = k + 1; later < P; later++) {
        const t = c.phases[j * P + later] ?? -1;
        if (t >= 0) {
          to = t;
          break;
        }
      }
      this.durations[k]?.push(Math.max(0, to - from));
    }
  }

  private addInjects(c: RunColumns, j: number): void {
    for (let k = 0; k < c.firedWidth; k++) {
      const times = c.fired[j * c.firedWidth + k] ?? 0;
      const a = this.injects[k];
      if (!a || times === 0) continue;
      a.runs++;
      a.fired += times;
    }
    const x = c.resolutions;
    for (let i = c.resolutionsAt[j] ?? 0, to = c.resolutionsAt[j + 1] ?? 0; i + 2 < to; i += 3) {
      const a = this.injects[x[i] ?? -1];
      if (!a) continue;
      a.resolved++;
      if (x[i + 1] === 1) a.ok++;
      a.chance += x[i + 2] ?? 0;
    }
  }

  private addDecisions(c: RunColumns, j: number, run: number): void {
    const ok = c.result[j] === SUCCESS;
    for (let i = c.featuresAt[j] ?? 0, to = c.featuresAt[j + 1] ?? 0; i < to; i++) {
      const f = c.strings[c.features[i] ?? 0] ?? '';
      // Created at the first run that takes it: the map keeps the order decisions appear in.
      let e = this.taken.get(f);
      if (!e) {
        const fam = decisionFamily(f);
        let family = this.faced.get(fam);
        if (!family) this.faced.set(fam, (family = { runs: 0, success: 0, seen: -1 }));
        this.taken.set(f, (e = { runs: 0, success: 0, seen: -1, family }));
      }
      count(e, run, ok);
      count(e.family, run, ok);
    }
  }

  /** The statistics of the runs added so far. */
  stats(script: readonly ScheduledDecision[] = []): BatchStats {
    const { scenario, n } = this;
    const runsThat = (result: RunResult): number => this.results[RESULT_CODES.indexOf(result)] ?? 0;
    const share = (result: RunResult): Proportion => proportion(runsThat(result), n);
    const factorIds = Object.keys(scenario.factors);
    const mean = (s: Sum | undefined): number | null => (s?.n ? round6(s.sum / s.n) : null);
    const injects: InjectStats[] = scenario.events.map((def, k) => {
      const a = this.injects[k] ?? { runs: 0, fired: 0, resolved: 0, ok: 0, chance: 0 };
      return {
        id: def.id,
        title: def.title,
        kind: def.kind,
        runs: proportion(a.runs, n),
        fired: a.fired,
        resolved: a.resolved,
        success: def.resolution ? proportion(a.ok, a.resolved) : null,
        meanChance: a.resolved ? round6(a.chance / a.resolved) : null,
      };
    });
    injects.sort((a, b) => b.fired - a.fired || a.id.localeCompare(b.id));
    return {
      runs: n,
      outcomes: { success: share('success'), partial: share('partial'), failure: share('failure') },
      unfinished: runsThat('unfinished'),
      reasons: [...this.reasons.values()]
        .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
        .map((e) => ({ ...e, p: round6(e.count / Math.max(1, n)) })),
      endTurn: summarize(this.endTurns),
      endTurnHistogram: integerHistogram(this.endTurns),
      factors: factorIds.map((id, k) => {
        const f = this.factors[k];
        const def = scenario.factors[id];
        return {
          id,
          label: def?.label ?? id,
          start: def?.start ?? 0,
          end: summarize(f?.values ?? []),
          histogram: unitHistogram(f?.values ?? []),
          meanIfSuccess: mean(f?.ifSuccess),
          meanOtherwise: mean(f?.otherwise),
        };
      }),
      phases: PHASES.map((phase, k) => {
        const durations = this.durations[k] ?? [];
        return {
          phase,
          label: PHASE_LABELS[phase],
          reached: proportion(durations.length, n),
          turns: summarize(durations),
          histogram: integerHistogram(durations),
        };
      }),
      injects,
      decisions: decisionStats(scenario, n, this.taken, script),
      rejectedDecisions: this.rejected,
      trajectories: this.trajectories.result(),
    };
  }
}

function count(e: Tally, run: number, ok: boolean): void {
  if (e.seen === run) return;
  e.seen = run;
  e.runs++;
  if (ok) e.success++;
}

/**
 * For each decision (feature), the success rate of the runs that took it against the runs that
 * faced the same decision and chose otherwise (see decisionFamily): a pledge is compared among
 * the runs where that nation had approved a contribution, an ROE posture among the runs that
 * deployed, and so on, so that a decision is not credited with the gates that came before it.
 * Kept when each side has at least 5 runs and 2 % of the batch. An association across runs,
 * not a cause: a decision can travel with the luck that made it possible.
 */
function decisionStats(
  scenario: Scenario,
  n: number,
  taken: ReadonlyMap<string, FeatureTally>,
  script: readonly ScheduledDecision[],
): DecisionStats[] {
  const minRuns = Math.max(5, Math.ceil(0.02 * n));
  const out: DecisionStats[] = [];
  for (const [id, e] of taken) {
    const family = e.family;
    const without = family.runs - e.runs;
    if (e.runs < minRuns || without < minRuns) continue;
    const t = proportion(e.success, e.runs);
    const nt = proportion(family.success - e.success, without);
    out.push({
      id,
      label: featureLabel(scenario, id, script),
      taken: t,
      notTaken: nt,
      difference: round6(t.p - nt.p),
    });
  }
  // A yes/no decision shows once, from the side that did better.
  const members = new Map<string, number>();
  for (const id of taken.keys()) {
    const fam = decisionFamily(id);
    if (id.startsWith(`${fam}:`)) members.set(fam, (members.get(fam) ?? 0) + 1);
  }
  return out
    .filter((d) => {
      const fam = decisionFamily(d.id);
      return !d.id.startsWith(`${fam}:`) || members.get(fam) !== 2 || d.difference > 0;
    })
    .sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference) || a.id.localeCompare(b.id));
}

/** A readable label of a decision feature (see decisionFeatures). */
export function featureLabel(
  scenario: Scenario,
  id: string,
  script: readonly ScheduledDecision[] = [],
): string {
  const name = (team: string): string => scenario.teams.find((t) => t.id === team)?.name ?? team;
  const [kind = '', a = '', b = ''] = id.split(':');
  switch (kind) {
    case 'draft':
      return `UNSC draft tabled under Chapter ${a}`;
    case 'noMandate':
      return a === 'proceed'
        ? 'Alliance proceeds without a UN mandate'
        : 'Alliance stops without a UN mandate';
    case 'vote':
      return `${name(a)} votes ${b} on the first UNSC draft`;
    case 'nac':
      return b === 'objected'
        ? `${name(a)} breaks NAC silence`
        : b === 'silent'
          ? `${name(a)} stays silent in the NAC`
          : `${name(a)} acquiesces in the NAC with reservation ${b.replace('reservation-', '')}`;
    case 'approval':
      return `${name(a)} ${b === 'approved' ? 'approves' : 'refuses'} a national contribution`;
    case 'pledged':
      return b === 'yes' ? `${name(a)} pledges forces` : `${name(a)} pledges nothing`;
    case 'pledge':
      return `${name(a)} pledges ${b}`;
    case 'roe':
      return `${a} rules of engagement`;
    case 'scripted': {
      const d = script[Number(a)];
      return d ? `scripted: turn ${d.turn}, ${d.by} ${describeCommand(d)}` : id;
    }
    default:
      return id;
  }
}

/** `pledge infBn 2` — a command's type and its arguments, briefly. */
export function describeCommand(c: object): string {
  const { by: _by, turn: _turn, type, ...rest } = c as Record<string, unknown>;
  const args = Object.values(rest).map((v) => (typeof v === 'object' ? JSON.stringify(v) : v));
  return [String(type), ...args.map(String)].join(' ');
}
