/**
 * One property run: a seed and a "choice tape" (see src/run/random-play.ts) played to the end
 * of the exercise on a private working copy of the state, with a hook that sees every reached
 * state. Commands come from what the engine says is legal (`legalCommands`), so every run is a
 * legal exercise; after the tape the clock advances and default policies play to the end.
 */
import {
  createWorkingSession,
  stepInPlace,
  type Command,
  type EngineEvent,
  type Scenario,
  type SessionState,
} from '../../engine/index.js';
import { chooseCommand } from '../run/random-play.js';

/** A seed and a choice tape: the input of a property run (what fast-check generates). */
export interface Play {
  readonly seed: string;
  readonly choices: readonly number[];
}

export type PlayStop =
  /** The exercise ended. */
  | 'ended'
  /** The hook asked to stop. */
  | 'hook'
  /** A command threw, or the engine rejected a command it had listed as legal. */
  | 'error'
  /** The clock kept advancing past the turn limit without ending the exercise. */
  | 'limit';

export interface PlayError {
  /**
   * `exception`: a step (or listing the legal commands) threw; `rejected`: the engine refused
   * a command it had listed as legal; `script`: a scripted command was not legal.
   */
  readonly kind: 'exception' | 'rejected' | 'script';
  readonly command: Command | null;
  readonly message: string;
}

export interface PlayOutcome {
  /** The working copy at the end (mutable: the run owns it). */
  readonly state: SessionState;
  /** Every applied command, in order (a command log); a failing command is in `error`. */
  readonly commands: Command[];
  /** The turn each command was issued in. */
  readonly turns: number[];
  readonly stop: PlayStop;
  readonly error?: PlayError;
}

/**
 * Called with the state after each applied command (and once before the first, with
 * `command` null). Return false to stop the run there.
 */
export type StateHook = (
  state: SessionState,
  events: readonly EngineEvent[],
  command: Command | null,
) => boolean | void;

const START: Command = { by: 'system', type: 'start' };
const ADVANCE: Command = { by: 'system', type: 'advance' };

/**
 * Plays `play` on `scenario` to the end (or until the hook says stop). `script`: commands
 * applied before the tape, each of which must be legal when it comes.
 */
export function playInPlace(
  scenario: Scenario,
  play: Play,
  hook?: StateHook,
  script: readonly Command[] = [],
): PlayOutcome {
  const state = createWorkingSession(scenario, play.seed);
  const commands: Command[] = [];
  const turns: number[] = [];
  let error: PlayError | undefined;
  let scripting = false;
  const done = (stop: PlayStop): PlayOutcome => ({
    state,
    commands,
    turns,
    stop,
    ...(error ? { error } : {}),
  });
  /** Applies one command; false when the run must stop (error or hook). */
  const apply = (command: Command): 'ok' | 'error' | 'hook' => {
    const turn = state.turn;
    let r;
    try {
      r = stepInPlace(state, command);
    } catch (err) {
      error = { kind: 'exception', command, message: messageOf(err) };
      return 'error';
    }
    if (!r.ok) {
      error = {
        kind: scripting ? 'script' : 'rejected',
        command,
        message: scripting
          ? `scripted command ${commands.length + 1} (${command.by} ${command.type}) was rejected (${r.error.code}): ${r.error.message}`
          : `the engine listed ${command.by} ${command.type} as legal, then rejected it (${r.error.code}): ${r.error.message}`,
      };
      return 'error';
    }
    commands.push(command);
    turns.push(turn);
    return hook?.(state, r.events, command) === false ? 'hook' : 'ok';
  };
  if (hook?.(state, [], null) === false) return done('hook');
  scripting = true;
  for (const command of script) {
    const r = apply(command);
    if (r !== 'ok') return done(r);
  }
  scripting = false;
  for (const choice of play.choices) {
    if (state.status === 'ended') break;
    let command: Command;
    try {
      command = chooseCommand(state, choice);
    } catch (err) {
      error = { kind: 'exception', command: null, message: messageOf(err) };
      return done('error');
    }
    const r = apply(command);
    if (r !== 'ok') return done(r);
  }
  if (state.status === 'setup') {
    const r = apply(START);
    if (r !== 'ok') return done(r);
  }
  // The tape is over: the clock runs, default policies play. Each advance ends a turn, so
  // more advances than the clock has turns means the exercise does not terminate.
  let budget = scenario.clock.maxTurns + 1;
  while (state.status === 'running') {
    if (budget-- <= 0) return done('limit');
    const r = apply(ADVANCE);
    if (r !== 'ok') return done(r);
  }
  return done(state.status === 'ended' ? 'ended' : 'limit');
}

/** Replays commands in place from a fresh session; returns the state or the failing index. */
export function replayInPlace(
  scenario: Scenario,
  seed: string,
  commands: readonly Command[],
  from?: SessionState,
): { ok: true; state: SessionState } | { ok: false; index: number; message: string } {
  const state = from ?? createWorkingSession(scenario, seed);
  for (const [index, command] of commands.entries()) {
    try {
      const r = stepInPlace(state, command);
      if (!r.ok) return { ok: false, index, message: `${r.error.code}: ${r.error.message}` };
    } catch (err) {
      return { ok: false, index, message: messageOf(err) };
    }
  }
  return { ok: true, state };
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
