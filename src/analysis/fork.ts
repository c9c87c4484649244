/**
 * Forking a recorded session at turn T: "was that outcome bad luck or a bad decision?"
 *
 * The fork point is the start of turn T: the log is replayed through the clock tick that opened
 * turn T (so turns 1 … T−1 and the opening of turn T — its injects, its factors — are exactly
 * the session's), and before any decision taken in turn T. Each future then continues from
 * that state with fresh random draws (future i re-seeds the session's PRNG with `<seed>:<i>`),
 * and either the session's own decisions from turn T on (each at the turn it was taken, skipped
 * if the rules reject it in that future) or alternative decisions from a decisions file.
 */
import type { SessionState } from '../../engine/index.js';
import type { Decisions, ScheduledDecision } from '../run/headless.js';
import type { MeasuredPhase } from './runner.js';
import { phaseEntries, SessionLogError, type Replayed } from './session-log.js';

export interface ForkPoint {
  readonly atTurn: number;
  /** The state at the start of turn T. */
  readonly state: SessionState;
  /** Log commands replayed to reach it. */
  readonly commands: number;
  readonly phasesBefore: Partial<Record<MeasuredPhase, number>>;
  /** The session's own decisions from turn T on (clock ticks left out). */
  readonly own: Decisions;
}

/** Finds the fork point of a replayed session at turn `atTurn` (≥ 1). */
export function forkPoint(r: Replayed, atTurn: number): ForkPoint {
  if (!Number.isInteger(atTurn) || atTurn < 1) {
    throw new SessionLogError(`--at-turn must be a whole number from 1 (got ${atTurn})`);
  }
  let k = 0;
  let state = r.initial;
  while (k < r.steps.length && (state.status === 'setup' || state.turn < atTurn)) {
    const s = r.steps[k];
    if (!s) break;
    state = s.state;
    k++;
  }
  if (state.turn < atTurn) {
    throw new SessionLogError(
      `the session ${state.status === 'ended' ? 'ended' : 'stops'} at turn ${state.turn}: it cannot be forked at turn ${atTurn}`,
    );
  }
  if (state.status !== 'running') {
    throw new SessionLogError(
      `the session ended at turn ${state.turn}: fork it at turn ${Math.max(1, state.turn - 1)} or earlier`,
    );
  }
  const decisions: ScheduledDecision[] = r.steps
    .slice(k)
    .filter((s) => s.command.type !== 'advance' && s.command.type !== 'start')
    .filter((s) => s.command.type !== 'pause' && s.command.type !== 'resume')
    .map((s) => ({ ...s.command, turn: s.turn }));
  return {
    atTurn,
    state,
    commands: k,
    phasesBefore: phaseEntries(r, k),
    own: { human: [], decisions },
  };
}
