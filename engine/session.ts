/**
 * The engine's entry points: an exercise is a pure fold, state' = step(state, command).
 * `step` validates the command's shape first; the rest is apply.ts.
 */
import {
  applyInPlace,
  stepValidated,
  createSession,
  type InPlaceOptions,
  type StepResult,
} from './apply.js';
import { CommandSchema, IssuerSchema, type Command } from './commands/schema.js';
import { CommandRejectedError, reject, type Rejection } from './errors.js';
import type { Scenario } from './scenario/schema.js';
import type { SessionState } from './state.js';

export {
  applyInPlace,
  createSession,
  createWorkingSession,
  forkSession,
  sealSession,
  stepValidated,
  type InPlaceOptions,
  type StepResult,
} from './apply.js';

/** Validates an untrusted command (from a file or the network). */
export function parseCommand(
  raw: unknown,
): { ok: true; command: Command } | { ok: false; error: Rejection } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: reject('malformed', 'a command is a JSON object') };
  }
  const { by, ...body } = raw as Record<string, unknown>;
  const issuer = IssuerSchema.safeParse(by);
  if (!issuer.success) {
    return {
      ok: false,
      error: reject('malformed', "'by' must be facilitator, system or team:<id>"),
    };
  }
  const parsed = CommandSchema.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? `${first.path.join('.')}: ` : '';
    return {
      ok: false,
      error: reject('malformed', `${where}${first?.message ?? 'invalid command'}`),
    };
  }
  return { ok: true, command: { ...parsed.data, by: issuer.data } };
}

/**
 * Applies one command. A rejected command returns the very same state object and the reason;
 * an accepted one returns the next state (a frozen copy; the old one is untouched) and what
 * happened.
 */
export function step(state: SessionState, command: unknown): StepResult {
  const parsed = parseCommand(command);
  if (!parsed.ok) return { ok: false, state, error: parsed.error };
  return stepValidated(state, parsed.command);
}

/**
 * Like `step`, but changes `work` itself: for runners that own a private, unfrozen working copy
 * (from `forkSession`) and never look back at earlier states, such as headless batches. It
 * runs the same rules, so it reaches the same states; it only skips the copy and the freeze.
 */
export function stepInPlace(
  work: SessionState,
  command: unknown,
  options: InPlaceOptions = {},
): StepResult {
  const parsed = parseCommand(command);
  if (!parsed.ok) return { ok: false, state: work, error: parsed.error };
  return applyInPlace(work, parsed.command, options);
}

/** Replays a command log. Throws CommandRejectedError if a logged command is rejected. */
export function replay(
  scenario: Scenario,
  seed: string,
  commands: readonly unknown[],
): SessionState {
  let state = createSession(scenario, seed);
  commands.forEach((c, i) => {
    const r = step(state, c);
    if (!r.ok) throw new CommandRejectedError(r.error, i);
    state = r.state;
  });
  return state;
}
