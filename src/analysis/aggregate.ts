/**
 * From run records to batch statistics: outcomes with 95 % Wilson intervals, end turns, end
 * factors, phase durations, injects and their success rates, and the decisions most
 * associated with success. Records are read in run order, so the statistics are a function of
 * the records alone.
 */
import type { Scenario } from '../../engine/index.js';
import type { ScheduledDecision } from '../run/headless.js';
import { decisionFamily, PHASES, type MeasuredPhase, type RunRecord } from './runner.js';
import {
  integerHistogram,
  proportion,
  round6,
  summarize,
  unitHistogram,
  type Proportion,
  type Summary,
} from './stats.js';

export type Result = 'success' | 'partial' | 'failure';
export const RESULTS: readonly Result[] = ['success', 'partial', 'failure'];

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

export interface TrajectoryPoint {
  readonly turn: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  readonly mean: number;
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
  readonly trajectories: readonly { factor: string; points: readonly TrajectoryPoint[] }[];
}

export const PHASE_LABELS: Readonly<Record<MeasuredPhase, string>> = {
  mandate: 'Mandate',
  forceGeneration: 'Force generation',
  deployment: 'Deployment (lift, RSOM, IOC)',
  operations: 'Operations',
  transition: 'Transition and redeployment',
};

/** Aggregates the records of one variant (in run order). */
export function aggregate(
  scenario: Scenario,
  records: readonly RunRecord[],
  script: readonly ScheduledDecision[] = [],
): BatchStats {
  const n = records.length;
  const count = (result: Result): number => records.filter((r) => r.result === result).length;
  const outcomes = {
    success: proportion(count('success'), n),
    partial: proportion(count('partial'), n),
    failure: proportion(count('failure'), n),
  };
  const reasonCounts = new Map<string, { result: string; reason: string; count: number }>();
  for (const r of records) {
    const key = `${r.result}\u0000${r.reason}`;
    const entry = reasonCounts.get(key) ?? { result: r.result, reason: r.reason, count: 0 };
    entry.count++;
    reasonCounts.set(key, entry);
  }
  const reasons = [...reasonCounts.values()]
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
    .map((e) => ({ ...e, p: round6(e.count / Math.max(1, n)) }));
  const endTurns = records.map((r) => r.endTurn);

  const factorIds = Object.keys(scenario.factors);
  const factors: FactorStats[] = factorIds.map((id, k) => {
    const values = records.map((r) => r.factors[k] ?? 0);
    const ok = records.filter((r) => r.result === 'success').map((r) => r.factors[k] ?? 0);
    const other = records.filter((r) => r.result !== 'success').map((r) => r.factors[k] ?? 0);
    const def = scenario.factors[id];
    return {
      id,
      label: def?.label ?? id,
      start: def?.start ?? 0,
      end: summarize(values),
      histogram: unitHistogram(values),
      meanIfSuccess: ok.length ? summarize(ok).mean : null,
      meanOtherwise: other.length ? summarize(other).mean : null,
    };
  });

  const phases: PhaseStats[] = PHASES.map((phase, k) => {
    const durations: number[] = [];
    for (const r of records) {
      const from = r.phases[phase];
      if (from === undefined) continue;
      // The phase lasts until the next phase the run entered, or the end of the run.
      let to = r.endTurn;
      for (const later of PHASES.slice(k + 1)) {
        const t = r.phases[later];
        if (t !== undefined) {
          to = t;
          break;
        }
      }
      durations.push(Math.max(0, to - from));
    }
    return {
      phase,
      label: PHASE_LABELS[phase],
      reached: proportion(durations.length, n),
      turns: summarize(durations),
      histogram: integerHistogram(durations),
    };
  });

  const acc = new Map<
    string,
    { runs: number; fired: number; resolved: number; ok: number; chance: number }
  >();
  for (const def of scenario.events)
    acc.set(def.id, { runs: 0, fired: 0, resolved: 0, ok: 0, chance: 0 });
  const byIndex = scenario.events.map((e) => acc.get(e.id));
  for (const r of records) {
    r.fired.forEach((times, k) => {
      const a = byIndex[k];
      if (!a || times === 0) return;
      a.runs++;
      a.fired += times;
    });
    const x = r.resolutions;
    for (let i = 0; i + 2 < x.length; i += 3) {
      const a = byIndex[x[i] ?? -1];
      if (!a) continue;
      a.resolved++;
      if (x[i + 1] === 1) a.ok++;
      a.chance += x[i + 2] ?? 0;
    }
  }
  const injects: InjectStats[] = scenario.events.map((def) => {
    const a = acc.get(def.id) ?? { runs: 0, fired: 0, resolved: 0, ok: 0, chance: 0 };
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
    outcomes,
    unfinished: records.filter((r) => r.result === 'unfinished').length,
    reasons,
    endTurn: summarize(endTurns),
    endTurnHistogram: integerHistogram(endTurns),
    factors,
    phases,
    injects,
    decisions: decisionStats(scenario, records, script),
    rejectedDecisions: records.reduce((s, r) => s + r.rejected, 0),
    trajectories: trajectories(scenario, records),
  };
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
  records: readonly RunRecord[],
  script: readonly ScheduledDecision[],
): DecisionStats[] {
  const n = records.length;
  const taken = new Map<string, { runs: number; success: number }>();
  const faced = new Map<string, { runs: number; success: number }>();
  const bump = (
    m: Map<string, { runs: number; success: number }>,
    k: string,
    ok: boolean,
  ): void => {
    const e = m.get(k) ?? { runs: 0, success: 0 };
    e.runs++;
    if (ok) e.success++;
    m.set(k, e);
  };
  // Features are few and shared by thousands of runs: work out each one's family once.
  const families = new Map<string, string>();
  const familyOf = (f: string): string => {
    let fam = families.get(f);
    if (fam === undefined) families.set(f, (fam = decisionFamily(f)));
    return fam;
  };
  for (const r of records) {
    const ok = r.result === 'success';
    const features = new Set(r.features);
    const faces = new Set<string>();
    for (const f of features) {
      bump(taken, f, ok);
      faces.add(familyOf(f));
    }
    for (const fam of faces) bump(faced, fam, ok);
  }
  const minRuns = Math.max(5, Math.ceil(0.02 * n));
  const out: DecisionStats[] = [];
  for (const [id, e] of taken) {
    const family = faced.get(decisionFamily(id)) ?? e;
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

/** Trajectory quantiles are read from histograms of this resolution (factors are in [0, 1]). */
const BINS = 1000;

function trajectories(
  scenario: Scenario,
  records: readonly RunRecord[],
): BatchStats['trajectories'] {
  const factorIds = Object.keys(scenario.factors);
  const width = factorIds.length;
  const withHistory = records.filter((r) => r.history.length > 0);
  if (withHistory.length === 0 || width === 0) return [];
  let lastTurn = 0;
  for (const r of withHistory) lastTurn = Math.max(lastTurn, r.history.length / width);
  // One pass: counts[(k × lastTurn + t) × (BINS + 1) + bin], and sums for the means.
  const counts = new Uint32Array(width * lastTurn * (BINS + 1));
  const sums = new Float64Array(width * lastTurn);
  for (const r of withHistory) {
    const turns = r.history.length / width;
    for (let t = 0; t < lastTurn; t++) {
      for (let k = 0; k < width; k++) {
        // A run that ended earlier keeps its end values.
        const v = t < turns ? (r.history[t * width + k] ?? 0) : (r.factors[k] ?? 0);
        const cell = k * lastTurn + t;
        sums[cell] = (sums[cell] ?? 0) + v;
        const bin = cell * (BINS + 1) + Math.round(Math.min(1, Math.max(0, v)) * BINS);
        counts[bin] = (counts[bin] ?? 0) + 1;
      }
    }
  }
  const n = withHistory.length;
  const quantile = (cell: number, q: number): number => {
    const rank = q * (n - 1);
    let seen = 0;
    for (let b = 0; b <= BINS; b++) {
      seen += counts[cell * (BINS + 1) + b] ?? 0;
      if (seen > rank) return b / BINS;
    }
    return 1;
  };
  return factorIds.map((factor, k) => {
    const points: TrajectoryPoint[] = [];
    for (let t = 0; t < lastTurn; t++) {
      const cell = k * lastTurn + t;
      points.push({
        turn: t + 1,
        p10: quantile(cell, 0.1),
        p50: quantile(cell, 0.5),
        p90: quantile(cell, 0.9),
        mean: round6((sums[cell] ?? 0) / n),
      });
    }
    return { factor, points };
  });
}
