/**
 * A counterexample told as a story an author can read: the seed, the decisions that matter
 * (every command that is not the clock), what happened in the last turns, and why the final
 * state breaks the property.
 */
import {
  phaseLabel,
  step,
  createSession,
  type Command,
  type EngineEvent,
  type Scenario,
  type SessionState,
} from '../../engine/index.js';
import { narrative } from '../run/report.js';
import type { Counterexample } from './check.js';

/** Who issued a command, in words. */
export function issuerName(sc: Scenario, by: Command['by']): string {
  if (by === 'facilitator') return 'White cell';
  if (by === 'system') return 'Clock';
  const id = by.slice(5);
  return sc.teams.find((t) => t.id === id)?.name ?? by;
}

/** "Arland — draftResolution (chapter VI)". */
export function describeCommand(sc: Scenario, c: Command): string {
  const { by, type, ...args } = c;
  const text = Object.entries(args)
    .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
  return `${issuerName(sc, by)} — ${type}${text ? ` (${text})` : ''}`;
}

const isClock = (c: Command): boolean =>
  c.by === 'system' || (c.type === 'advance' && c.by === 'facilitator');

/** The decisions of a log (what is not the clock), each with its turn. */
export function decisionsOf(
  commands: readonly Command[],
  turns: readonly number[],
): { turn: number; command: Command }[] {
  return commands.flatMap((command, i) =>
    isClock(command) ? [] : [{ turn: turns[i] ?? 0, command }],
  );
}

export interface StoryOptions {
  /** Where the counterexample log was written (shown as the replay command). */
  readonly log?: string;
  /** Turns of narrative shown before the failing state (default 2). */
  readonly turns?: number;
  /** Most decisions listed (default 25). */
  readonly decisions?: number;
}

/** The story, as lines (without a trailing newline). */
export function counterexampleStory(cx: Counterexample, opts: StoryOptions = {}): string[] {
  const sc = cx.scenario;
  const out: string[] = [];
  const decisions = decisionsOf(cx.commands, cx.turns);
  const assumed = cx.assuming ? ` on default policies assuming ${JSON.stringify(cx.assuming)}` : '';
  const from = cx.shrink.from;
  const shrunk =
    cx.shrink.note ??
    (cx.shrink.steps > 0
      ? `shrunk in ${cx.shrink.steps} steps from seed "${from.seed}", ${from.choices} choices, ${from.commands} commands`
      : 'no smaller run fails the same way');
  out.push(
    `Seed "${cx.seed}"${assumed}: ${decisions.length} decision(s) by players and the white cell, ${cx.commands.length} command(s) in all (${shrunk}).`,
  );
  if (decisions.length === 0) {
    out.push('  No decisions: the clock and the default policies alone lead here.');
  }
  const max = opts.decisions ?? 25;
  for (const d of decisions.slice(0, max)) {
    out.push(`  turn ${String(d.turn).padStart(2)}  ${describeCommand(sc, d.command)}`);
  }
  if (decisions.length > max) out.push(`  … and ${decisions.length - max} more`);

  // Replay for the narrative (the white cell's view).
  let state: SessionState = createSession(sc, cx.seed);
  const events: EngineEvent[] = [];
  for (const c of cx.commands) {
    const r = step(state, c);
    if (!r.ok) break;
    state = r.state;
    events.push(...r.events);
  }
  const shown = opts.turns ?? 2;
  const recent = events.filter((e) => e.turn > state.turn - shown);
  if (recent.length > 0) {
    out.push('What happened:');
    for (const line of narrative(sc, recent).trimEnd().split('\n'))
      out.push(line === '' ? '' : `  ${line}`);
  }
  if (cx.failingCommand) {
    out.push(
      `Then: ${describeCommand(sc, cx.failingCommand)} — at turn ${state.turn}, ${phaseLabel(state)}:`,
    );
  } else {
    out.push(`Failing state: turn ${state.turn}, ${phaseLabel(state)}:`);
  }
  for (const w of cx.why) out.push(`  ${w}`);
  if (opts.log !== undefined) out.push(`Replay it: ttx replay ${opts.log}`);
  return out;
}
