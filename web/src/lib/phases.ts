/**
 * The phase timeline: which main phase the exercise was in at each turn, rebuilt from the
 * `phase` events of the session ("Phase: mandate › unsc.voting", engine/phase.ts).
 */
import type { EngineEvent } from '../../../engine/events.js';
import type { Phase } from '../../../engine/phase.js';

export { PHASE_NAMES } from '../../../engine/phase-names.js';

export type MainPhase = Phase;

export const MAIN_PHASES: readonly MainPhase[] = [
  'mandate',
  'forceGeneration',
  'deployment',
  'operations',
  'transition',
];

/** A stage change: the turn it happened in and the stage label. */
export interface StageChange {
  readonly turn: number;
  readonly stage: string;
}

/**
 * A stretch of the exercise in one main phase, on a continuous turn axis: from the turn it was
 * entered (`start`) to the turn the next phase was entered (`end`), or to the end of the
 * current turn. A phase entered and left within one turn has `start === end`.
 */
export interface PhaseSpan {
  readonly phase: MainPhase;
  readonly start: number;
  readonly end: number;
  /** The stages passed through, in order (e.g. "unsc.drafting", "unsc.voting"). */
  readonly stages: readonly string[];
}

const PREFIX = 'Phase: ';

/** The stage changes among a session's events, in order. */
export function stageChanges(events: readonly EngineEvent[]): StageChange[] {
  return events
    .filter((e) => e.kind === 'phase' && e.text.startsWith(PREFIX))
    .map((e) => ({ turn: e.turn, stage: e.text.slice(PREFIX.length) }));
}

/** The main phase of a stage label such as "deployment › ioc" (as engine phaseOf does). */
export function mainPhaseOf(stage: string): MainPhase {
  if (stage.startsWith('ended')) return 'ended';
  const [head = '', sub = ''] = stage.split(' › ');
  if (head === 'mandate') return 'mandate';
  if (head === 'force generation') return 'forceGeneration';
  if (head === 'deployment') {
    if (sub.startsWith('lift') || sub.startsWith('ioc')) return 'deployment';
    return sub.startsWith('operations') ? 'operations' : 'transition';
  }
  return 'setup';
}

/** The stage part after the main phase ("unsc.voting"), for details. */
const stageDetail = (stage: string): string => stage.split(' › ')[1] ?? stage;

/** The main phases the exercise went through, up to the current turn. */
export function phaseSpans(changes: readonly StageChange[], currentTurn: number): PhaseSpan[] {
  const spans: { phase: MainPhase; start: number; end: number; stages: string[] }[] = [];
  for (const c of changes) {
    const phase = mainPhaseOf(c.stage);
    if (phase === 'ended' || phase === 'setup') continue;
    const last = spans.at(-1);
    if (last?.phase === phase) {
      last.stages.push(stageDetail(c.stage));
      continue;
    }
    if (last) last.end = c.turn;
    spans.push({ phase, start: c.turn, end: currentTurn + 1, stages: [stageDetail(c.stage)] });
  }
  return spans;
}
