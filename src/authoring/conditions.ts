/**
 * Conditions of author-declared properties (the scenario's condition shape plus `outcome`):
 * whether they hold in a state, how far a state is from meeting them (to find the run that
 * came closest to an unreached goal), and how to say both in words.
 */
import { conditionHolds, conditionValue } from '../../engine/injects.js';
import {
  phaseOf,
  type ConditionDef,
  type PropertyConditionDef,
  type SessionState,
} from '../../engine/index.js';

/** True if every field of `c` holds in `s`. */
export function holds(s: SessionState, c: PropertyConditionDef): boolean {
  if (c.outcome !== undefined && s.outcome?.result !== c.outcome) return false;
  return conditionHolds(s, c);
}

/** True if every condition holds (an empty list holds). */
export const allHold = (s: SessionState, cs: readonly PropertyConditionDef[]): boolean =>
  cs.every((c) => holds(s, c));

const PHASES = ['setup', 'mandate', 'forceGeneration', 'deployment', 'operations', 'transition'];
const phaseIndex = (p: string): number => {
  const i = PHASES.indexOf(p);
  return i < 0 ? PHASES.length : i;
};

/**
 * How far `s` is from meeting `c`: 0 when it holds, else a sum of normalised gaps (a factor
 * 0.1 short adds 0.1, a turn too early adds its share of the clock, a missing event adds 1).
 * `progress` (0..1, how far along the exercise the run has come) grades `outcome: success`.
 */
export function distance(s: SessionState, c: PropertyConditionDef, progress = 0): number {
  let d = 0;
  const value = conditionValue(s, c);
  if (value !== undefined) {
    const scale = c.resource !== undefined ? Math.max(1, Math.abs(c.atLeast ?? c.below ?? 1)) : 1;
    if (c.atLeast !== undefined && value < c.atLeast) d += (c.atLeast - value) / scale;
    if (c.below !== undefined && value >= c.below) d += (value - c.below + 1e-4) / scale;
  }
  const maxTurns = s.scenario.clock.maxTurns;
  if (c.turn?.atLeast !== undefined && s.turn < c.turn.atLeast)
    d += (c.turn.atLeast - s.turn) / maxTurns;
  if (c.turn?.below !== undefined && s.turn >= c.turn.below)
    d += (s.turn - c.turn.below + 1) / maxTurns;
  if (c.phase !== undefined && phaseOf(s) !== c.phase) {
    const now = phaseOf(s) === 'ended' ? PHASES.length : phaseIndex(phaseOf(s));
    d += 0.5 + Math.abs(now - phaseIndex(c.phase)) / PHASES.length;
  }
  if (c.fired !== undefined && !s.injects.fired[c.fired]) d += 1;
  if (c.notFired !== undefined && s.injects.fired[c.notFired]) d += 1;
  if (c.outcome !== undefined && s.outcome?.result !== c.outcome) {
    d += c.outcome === 'success' ? 1 + (1 - progress) : 1;
  }
  return d;
}

export const totalDistance = (
  s: SessionState,
  cs: readonly PropertyConditionDef[],
  progress = 0,
): number => cs.reduce((n, c) => n + distance(s, c, progress), 0);

const num = (x: number): string => String(Math.round(x * 1e4) / 1e4);

/** The condition in words, e.g. "consensus ≥ 0.1 and turn < 3". */
export function describeCondition(c: PropertyConditionDef | ConditionDef): string {
  const parts: string[] = [];
  const subject = c.factor ?? (c.resource !== undefined ? `resource ${c.resource}` : undefined);
  if (subject !== undefined) {
    if (c.atLeast !== undefined) parts.push(`${subject} ≥ ${num(c.atLeast)}`);
    if (c.below !== undefined) parts.push(`${subject} < ${num(c.below)}`);
  }
  if (c.turn?.atLeast !== undefined) parts.push(`turn ≥ ${c.turn.atLeast}`);
  if (c.turn?.below !== undefined) parts.push(`turn < ${c.turn.below}`);
  if (c.phase !== undefined) parts.push(`phase ${c.phase}`);
  if (c.fired !== undefined) parts.push(`'${c.fired}' has fired`);
  if (c.notFired !== undefined) parts.push(`'${c.notFired}' has not fired`);
  if ('outcome' in c && c.outcome !== undefined) parts.push(`outcome ${c.outcome}`);
  return parts.length ? parts.join(' and ') : 'always';
}

export const describeConditions = (cs: readonly (PropertyConditionDef | ConditionDef)[]): string =>
  cs.length ? cs.map(describeCondition).join('; ') : 'always';

/** What a state shows for each part of a condition: "security 0.42 (needs ≥ 0.6) ✗". */
export function explainCondition(
  s: SessionState,
  c: PropertyConditionDef | ConditionDef,
): string[] {
  const out: string[] = [];
  const mark = (ok: boolean): string => (ok ? '✓' : '✗');
  if (c.factor !== undefined || c.resource !== undefined) {
    const name = c.factor ?? `resource ${c.resource ?? ''}`;
    const value =
      c.factor !== undefined ? s.public.factors[c.factor] : s.public.resources[c.resource ?? ''];
    const v = value ?? Number.NaN;
    if (c.atLeast !== undefined)
      out.push(`${name} ${num(v)} (needs ≥ ${num(c.atLeast)}) ${mark(v >= c.atLeast)}`);
    if (c.below !== undefined)
      out.push(`${name} ${num(v)} (needs < ${num(c.below)}) ${mark(v < c.below)}`);
  }
  if (c.turn?.atLeast !== undefined)
    out.push(`turn ${s.turn} (needs ≥ ${c.turn.atLeast}) ${mark(s.turn >= c.turn.atLeast)}`);
  if (c.turn?.below !== undefined)
    out.push(`turn ${s.turn} (needs < ${c.turn.below}) ${mark(s.turn < c.turn.below)}`);
  if (c.phase !== undefined)
    out.push(`phase ${phaseOf(s)} (needs ${c.phase}) ${mark(phaseOf(s) === c.phase)}`);
  if (c.fired !== undefined)
    out.push(
      `'${c.fired}' fired ${s.injects.fired[c.fired] ?? 0}× ${mark(!!s.injects.fired[c.fired])}`,
    );
  if (c.notFired !== undefined)
    out.push(
      `'${c.notFired}' fired ${s.injects.fired[c.notFired] ?? 0}× (needs none) ${mark(!s.injects.fired[c.notFired])}`,
    );
  if ('outcome' in c && c.outcome !== undefined) {
    const now = s.outcome ? `ended in ${s.outcome.result}` : `still running (${s.stage})`;
    out.push(`${now} (needs ${c.outcome}) ${mark(s.outcome?.result === c.outcome)}`);
  }
  return out;
}
