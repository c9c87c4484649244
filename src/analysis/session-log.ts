/**
 * A recorded session for analysis: its command log, its scenario (found as `ttx replay` finds
 * it, and checked against the log's content hash), and its replay, step by step, with every
 * event and the turn each command was issued in.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  createSession,
  hashState,
  phaseOf,
  step,
  type Command,
  type EngineEvent,
  type Scenario,
  type SessionState,
} from '../../engine/index.js';
import { LogFormatError, parseLog, type ParsedLog } from '../log/command-log.js';
import { bundledScenarioPath } from '../scenario/bundled.js';
import { formatIssue, loadScenarioFile } from '../scenario/load.js';
import { PHASES, type MeasuredPhase } from './runner.js';

/** Why a log could not be analysed: one line, ready to print. */
export class SessionLogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionLogError';
  }
}

export interface LoadedLog {
  readonly file: string;
  readonly log: ParsedLog;
  readonly scenario: Scenario;
  readonly scenarioFile: string;
}

/** Reads a log file and the scenario it names (or `scenarioFile`), checking its hash. */
export function loadSessionLog(file: string, scenarioFile?: string): LoadedLog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SessionLogError(
      `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  let log: ParsedLog;
  try {
    log = parseLog(text, file);
  } catch (err) {
    if (err instanceof LogFormatError) throw new SessionLogError(err.message);
    throw err;
  }
  const { header } = log;
  const where =
    scenarioFile ??
    (header.scenario.file !== undefined
      ? resolve(dirname(file), header.scenario.file)
      : undefined) ??
    bundledScenarioPath(header.scenario.id);
  if (where === undefined) {
    throw new SessionLogError(
      `${file}: cannot find scenario '${header.scenario.id}'; pass --scenario`,
    );
  }
  const loaded = loadScenarioFile(where);
  if (!loaded.ok) throw new SessionLogError(loaded.errors.map(formatIssue).join('\n'));
  if (loaded.hash !== header.scenario.hash) {
    throw new SessionLogError(
      `${where} has changed since the log was written (content hash ${loaded.hash.slice(0, 12)}…, the log expects ${header.scenario.hash.slice(0, 12)}…)`,
    );
  }
  if (loaded.scenario.id !== header.scenario.id) {
    throw new SessionLogError(
      `${where} is scenario '${loaded.scenario.id}', the log is for '${header.scenario.id}'`,
    );
  }
  return { file, log, scenario: loaded.scenario, scenarioFile: where };
}

/** One applied command of a replay, with what it did. */
export interface ReplayedStep {
  /** 1-based, as in the log. */
  readonly seq: number;
  readonly command: Command;
  /** The turn the command was issued in (0 before the start). */
  readonly turn: number;
  readonly events: readonly EngineEvent[];
  /** The state after the command. */
  readonly state: SessionState;
}

export interface Replayed {
  readonly scenario: Scenario;
  readonly seed: string;
  readonly steps: readonly ReplayedStep[];
  readonly initial: SessionState;
  readonly final: SessionState;
  readonly stateHash: string;
  /** True if the log's end record was checked and matches; false if it has none. */
  readonly verified: boolean;
}

/** Replays a session's commands, keeping every intermediate state and event. */
export function replaySession(
  scenario: Scenario,
  seed: string,
  commands: readonly unknown[],
  end?: ParsedLog['end'],
  file = 'log',
): Replayed {
  const initial = createSession(scenario, seed);
  let state = initial;
  const steps: ReplayedStep[] = [];
  commands.forEach((raw, i) => {
    const turn = state.turn;
    const r = step(state, raw);
    if (!r.ok) {
      throw new SessionLogError(
        `${file}:${i + 2}: command ${i + 1} was rejected on replay (${r.error.code}): ${r.error.message}`,
      );
    }
    state = r.state;
    steps.push({ seq: i + 1, command: raw as Command, turn, events: r.events, state });
  });
  const stateHash = hashState(state);
  if (end && (end.seq !== state.seq || end.stateHash !== stateHash)) {
    throw new SessionLogError(
      `${file}: replay diverged: the log recorded state ${end.stateHash.slice(0, 12)}… after ${end.seq} commands, replay reached ${stateHash.slice(0, 12)}… after ${state.seq}`,
    );
  }
  return { scenario, seed, steps, initial, final: state, stateHash, verified: end !== undefined };
}

/** Replays a loaded log. */
export function replayLog(loaded: LoadedLog): Replayed {
  return replaySession(
    loaded.scenario,
    loaded.log.header.seed,
    loaded.log.commands,
    loaded.log.end,
    loaded.file,
  );
}

/** The turn each phase was first entered, along a replay up to step `upTo` (exclusive). */
export function phaseEntries(
  r: Replayed,
  upTo = r.steps.length,
): Partial<Record<MeasuredPhase, number>> {
  const out: Partial<Record<MeasuredPhase, number>> = {};
  for (const s of r.steps.slice(0, upTo)) {
    const p = phaseOf(s.state);
    if ((PHASES as readonly string[]).includes(p) && out[p as MeasuredPhase] === undefined) {
      out[p as MeasuredPhase] = s.state.public.phaseSince;
    }
  }
  return out;
}
