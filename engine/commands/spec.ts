/**
 * The shape of a command's rules, in the manner of fuesim's action reducers: who may issue it,
 * when it is legal (`check`, on the unchanged state), what it does (`apply`, on the draft), and
 * which instances are worth offering (`options`, filtered through `check` by legalCommands).
 */
import type { StepContext } from '../context.js';
import type { Rejection } from '../errors.js';
import type { ScenarioTeam } from '../scenario/schema.js';
import type { SessionState } from '../state.js';
import type { CommandOf, CommandType } from './schema.js';

export type TeamKind = ScenarioTeam['kind'];

export interface CommandSpec<T extends CommandType> {
  /** `clock`: the facilitator or the system clock; `facilitator`: the white cell only. */
  readonly who: 'facilitator' | 'clock' | readonly TeamKind[];
  /** Legal while the exercise is in setup (before `start`). */
  readonly inSetup?: boolean;
  /** Legal while paused (white-cell commands are; team decisions are not). */
  readonly whilePaused?: boolean;
  check(s: SessionState, c: CommandOf<T>, team: ScenarioTeam | undefined): Rejection | null;
  apply(ctx: StepContext, c: CommandOf<T>, team: ScenarioTeam | undefined): void;
  options(s: SessionState, team: ScenarioTeam | undefined): CommandOf<T>[];
}

export type CommandSpecs = { readonly [T in CommandType]: CommandSpec<T> };
