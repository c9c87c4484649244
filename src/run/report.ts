/** What `ttx run` and `ttx replay` print: a turn-by-turn narrative and a summary. */
import {
  describeEvent,
  hashState,
  type EngineEvent,
  type Scenario,
  type SessionState,
} from '../../engine/index.js';

export interface RunSummary {
  readonly scenario: string;
  readonly title: string;
  readonly seed: string;
  readonly outcome: SessionState['outcome'];
  readonly turns: number;
  readonly factors: Readonly<Record<string, number>>;
  readonly resources: Readonly<Record<string, number>>;
  readonly stateHash: string;
  readonly commands: number;
  readonly engineVersion: string;
}

export function summarize(state: SessionState): RunSummary {
  return {
    scenario: state.scenario.id,
    title: state.scenario.title,
    seed: state.seed,
    outcome: state.outcome,
    turns: state.turn,
    factors: state.public.factors,
    resources: state.public.resources,
    stateHash: hashState(state),
    commands: state.seq,
    engineVersion: state.engineVersion,
  };
}

const DAY = 86_400_000;

/** "Turn 3 · 1999-04-07" when the scenario gives a start date, else "Turn 3 · week 3". */
export function turnLabel(sc: Scenario, turn: number): string {
  const { unit, turnLength, start } = sc.clock;
  const offset = (turn - 1) * turnLength;
  const begin = start === undefined ? Number.NaN : Date.parse(start);
  if (Number.isNaN(begin)) return `Turn ${turn} · ${unit} ${offset + 1}`;
  const date = new Date(begin);
  if (unit === 'month') date.setUTCMonth(date.getUTCMonth() + offset);
  else date.setTime(begin + offset * (unit === 'week' ? 7 * DAY : unit === 'day' ? DAY : DAY / 24));
  return `Turn ${turn} · ${date
    .toISOString()
    .slice(0, unit === 'hour' ? 16 : 10)
    .replace('T', ' ')}`;
}

const MARK: Partial<Record<EngineEvent['kind'], string>> = {
  resolution: '⚖',
  inject: '⚡',
  vote: '🗳',
  phase: '▶',
  ruling: '⚑',
  effect: '  ↳',
  ended: '■',
};

/** The narrative: a heading per turn, one line per event. */
export function narrative(sc: Scenario, events: readonly EngineEvent[]): string {
  const out: string[] = [];
  let turn = -1;
  for (const e of events) {
    if (e.kind === 'turn') continue;
    if (e.turn !== turn) {
      turn = e.turn;
      out.push('', turnLabel(sc, turn));
    }
    out.push(`  ${MARK[e.kind] ?? '•'} ${describeEvent(e)}`);
  }
  return `${out.join('\n').trimStart()}\n`;
}

export function summaryText(s: RunSummary): string {
  const outcome = s.outcome
    ? `${s.outcome.result.toUpperCase()} — ${s.outcome.reason} (turn ${s.outcome.turn})`
    : 'not finished';
  const factors = Object.entries(s.factors)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(' · ');
  return [
    `Outcome: ${outcome}`,
    `Factors: ${factors}`,
    `Scenario ${s.scenario}, seed "${s.seed}", ${s.commands} commands, state hash ${s.stateHash}`,
    '',
  ].join('\n');
}
