/**
 * What each team has done in the current turn, for the white cell: the decisions and rolls
 * of this turn that name their team. (Decisions taken by default policies are made as a turn
 * ends, so they belong to the turn before.)
 */
import type { EngineEvent } from '../../../engine/events.js';

export function doneThisTurn(events: readonly EngineEvent[], turn: number): Map<string, string[]> {
  const done = new Map<string, string[]>();
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (!e || e.turn < turn) break;
    if (e.turn !== turn || !e.team || (e.kind !== 'decision' && e.kind !== 'resolution')) continue;
    const list = done.get(e.team);
    if (list) list.unshift(e.text);
    else done.set(e.team, [e.text]);
  }
  return done;
}
