/**
 * The batch statistics as they were computed before batches kept their runs in columns: from
 * an array of RunRecord objects, kept verbatim as the reference aggregate.test.ts compares the
 * columnar aggregate with, to the bit.
 */
import type { Scenario } from '../../engine/index.js';
import {
  featureLabel,
  PHASE_LABELS,
  type BatchStats,
  type DecisionStats,
  type FactorStats,
  type InjectStats,
  type PhaseStats,
  type Result,
  type TrajectoryPoint,
} from '../../src/analysis/aggregate.js';
import { decisionFamily, PHASES, type RunRecord } from '../../src/analysis/runner.js';
import {
  integerHistogram,
  proportion,
  round6,
  summarize,
  unitHistogram,
} from '../../src/analysis/stats.js';
import type { SweepLevel } from '../../src/analysis/batch.js';
import type { ScheduledDecision } from '../../src/run/headless.js';

/** Aggregates the records of one variant (in run order). */
export function referenceAggregate(
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

/** A sweep level (batch.ts), from records. */
export function referenceLevel(value: number, records: readonly RunRecord[]): SweepLevel {
  const n = records.length;
  const ok = records.filter((r) => r.result === 'success').length;
  const notFailure = records.filter((r) => r.result === 'success' || r.result === 'partial').length;
  return {
    value,
    success: proportion(ok, n),
    notFailure: proportion(notFailure, n),
    meanEndTurn: round6(records.reduce((s, r) => s + r.endTurn, 0) / Math.max(1, n)),
  };
}
