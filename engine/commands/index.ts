/**
 * The command registry: authority, legality and application of every command, and the
 * enumeration of legal commands that policies, property tests and user interfaces draw on.
 */
import type { StepContext } from '../context.js';
import { reject, type Rejection } from '../errors.js';
import type { ScenarioTeam } from '../scenario/schema.js';
import type { Issuer, SessionState } from '../state.js';
import {
  advance,
  fireInjectCommand,
  override,
  pause,
  resume,
  ruling,
  setControl,
  start,
} from './control.js';
import { acceptGaps, pledge, reask, transferAuthority } from './force.js';
import {
  abandon,
  breakSilence,
  castVote,
  circulate,
  diplomacy,
  draftResolution,
  nationalDecision,
  proceedWithoutMandate,
  reservation,
} from './mandate.js';
import { cimic, prioritiseLift, respond, setRoe, shareIntel } from './operations.js';
import type { CommandBody, CommandType } from './schema.js';
import type { CommandSpec, CommandSpecs } from './spec.js';
import { lookup } from '../scenario/lookup.js';

export const COMMANDS: CommandSpecs = {
  start,
  pause,
  resume,
  advance,
  fireInject: fireInjectCommand,
  ruling,
  override,
  setControl,
  draftResolution,
  castVote,
  proceedWithoutMandate,
  abandon,
  diplomacy,
  circulate,
  breakSilence,
  reservation,
  nationalDecision,
  pledge,
  reask,
  acceptGaps,
  transferAuthority,
  prioritiseLift,
  setRoe,
  cimic,
  shareIntel,
  respond,
};

const specOf = <T extends CommandType>(type: T): CommandSpec<T> => COMMANDS[type];

export function teamOfIssuer(s: SessionState, by: Issuer): ScenarioTeam | undefined {
  return lookup(s.scenario).issuer.get(by);
}

/** Authority and legality, on the unchanged state. Null means the command may be applied. */
export function checkCommand(s: SessionState, by: Issuer, c: CommandBody): Rejection | null {
  return checkAs(s, by, teamOfIssuer(s, by), c);
}

/** `checkCommand` for a caller that holds the issuing team already (policies). */
export function checkAs(
  s: SessionState,
  by: Issuer,
  team: ScenarioTeam | undefined,
  c: CommandBody,
): Rejection | null {
  const spec = specOf(c.type);
  if (s.status === 'ended') return reject('ended', 'the exercise has ended');
  if (spec.who === 'facilitator' && by !== 'facilitator') {
    return reject('forbidden', `only the white cell may ${c.type}`);
  }
  if (spec.who === 'clock' && by !== 'facilitator' && by !== 'system') {
    return reject('forbidden', `only the white cell may ${c.type}`);
  }
  if (typeof spec.who === 'object') {
    if (!by.startsWith('team:')) return reject('forbidden', `${c.type} is a team decision`);
    if (!team) return reject('unknownTarget', `no team '${by.slice(5)}'`);
    if (!spec.who.includes(team.kind)) {
      return reject('forbidden', `a team of kind ${team.kind} cannot ${c.type}`);
    }
  }
  if (s.status === 'setup' && !spec.inSetup)
    return reject('notStarted', 'the exercise has not started');
  if (s.paused && !spec.whilePaused) return reject('paused', 'the exercise is paused');
  return spec.check(s, c, team);
}

export function applyCommand(ctx: StepContext, by: Issuer, c: CommandBody): void {
  applyAs(ctx, teamOfIssuer(ctx.s, by), c);
}

/** `applyCommand` for a caller that holds the issuing team already (policies). */
export function applyAs(ctx: StepContext, team: ScenarioTeam | undefined, c: CommandBody): void {
  specOf(c.type).apply(ctx, c, team);
}

/** Every command `by` may issue now, drawn from each spec's options and filtered by checkCommand. */
export function legalCommands(s: SessionState, by: Issuer): CommandBody[] {
  const team = teamOfIssuer(s, by);
  const out: CommandBody[] = [];
  for (const type of Object.keys(COMMANDS) as CommandType[]) {
    const spec = specOf(type);
    const mayIssue =
      spec.who === 'facilitator'
        ? by === 'facilitator'
        : spec.who === 'clock'
          ? by === 'facilitator' || by === 'system'
          : team !== undefined && spec.who.includes(team.kind);
    if (!mayIssue) continue;
    for (const c of spec.options(s, team)) {
      if (checkCommand(s, by, c) === null) out.push(c);
    }
  }
  return out;
}
