/**
 * The engine's core without validation: new sessions, and commands applied to states after
 * their authority and legality are checked. Commands reach it typed (validated by
 * session.ts's parseCommand, or by a schema that embeds the command schema, or built by the
 * caller); it imports no schema library, so a batch worker thread loads only what runs play.
 */
import { deepFreeze, fork, forkAll, seal } from './fork.js';
import { applyCommand, checkCommand } from './commands/index.js';
import type { Command } from './commands/schema.js';
import type { ResolutionListener, StepContext } from './context.js';
import type { Rejection } from './errors.js';
import type { EngineEvent } from './events.js';
import { initialMachines, stageOf } from './phase.js';
import { Rng, seedRng } from './rng.js';
import type { Scenario } from './scenario/schema.js';
import { dictionary, type SessionState } from './state.js';
import { ENGINE_VERSION } from './version.js';

export type StepResult =
  | { readonly ok: true; readonly state: SessionState; readonly events: readonly EngineEvent[] }
  | { readonly ok: false; readonly state: SessionState; readonly error: Rejection };

/** The state before the first command: every team played by its default policy. */
export function createSession(scenario: Scenario, seed: string): SessionState {
  return deepFreeze(initialState(scenario, seed));
}

/**
 * `forkSession(createSession(scenario, seed))` without freezing and then copying the new
 * state: the start of every headless run of a batch.
 */
export const createWorkingSession = (scenario: Scenario, seed: string): SessionState =>
  initialState(scenario, seed);

function initialState(scenario: Scenario, seed: string): SessionState {
  if (typeof seed !== 'string') throw new TypeError('seed must be a string');
  const factors: Record<string, number> = {};
  for (const [id, f] of Object.entries(scenario.factors)) factors[id] = f.start;
  const resources: Record<string, number> = {};
  for (const [id, r] of Object.entries(scenario.resources)) resources[id] = r.start;
  const teams: SessionState['teams'] = {};
  for (const t of scenario.teams) {
    teams[t.id] = {
      support: t.support,
      control: 'policy',
      vote: null,
      acted: [],
      caveats: [],
      units: { pledged: 0, deployed: 0, byCapability: dictionary() },
    };
  }
  const unscSupport: Record<string, number> = {};
  for (const m of scenario.unsc?.members ?? [])
    if (m.team === undefined) unscSupport[m.id] = m.support;
  // A copy: the first snapshots are shared by every session of the scenario.
  const machines = { ...initialMachines(scenario) };
  const cjsor: Record<string, number> = {};
  for (const slot of scenario.forceGeneration.cjsor) cjsor[slot.id] = 0;
  return {
    format: 1,
    engineVersion: ENGINE_VERSION,
    scenario,
    seed,
    seq: 0,
    turn: 0,
    status: 'setup',
    paused: false,
    outcome: null,
    machines,
    stage: stageOf(machines),
    public: {
      factors,
      resources,
      history: [],
      phaseSince: 0,
      mandate: {
        chapter: null,
        withoutMandate: false,
        votes: [],
        nac: { deadline: null, objections: [], reservations: [] },
        approvals: {},
      },
      cjsor,
      lift: { queue: [], capacity: 0 },
      units: { total: 0, atHome: 0, arrived: 0, deployed: 0 },
      roe: 'balanced',
      successStreak: 0,
    },
    teams,
    force: { contingents: dictionary(), nextId: 1 },
    injects: { active: {}, fired: dictionary() },
    control: { rng: seedRng(seed), unscSupport, overrides: {} },
  };
}

/**
 * `step` for a command already validated by `parseCommand` (or by a schema that embeds the
 * command schema, as the server's frames do): skips only the shape check; authority and
 * legality are still checked.
 */
export function stepValidated(state: SessionState, command: Command): StepResult {
  return applyChecked(state, command, fork, seal, {});
}

export interface InPlaceOptions {
  /** Report nothing (no events): for runs that want outcomes only. */
  readonly quiet?: boolean;
  /** Told each resolution's subject, chance and outcome (quiet steps included). */
  readonly onResolution?: ResolutionListener;
}

/**
 * `stepInPlace` for a command already validated by `parseCommand` (or built by the caller as
 * a typed `Command`): skips only the shape check; authority and legality are still checked.
 */
export function applyInPlace(
  work: SessionState,
  command: Command,
  options: InPlaceOptions = {},
): StepResult {
  return applyChecked(
    work,
    command,
    (s) => s,
    (s) => s,
    options,
  );
}

/** A private, mutable working copy of a state, for `stepInPlace`. */
export const forkSession = (state: SessionState): SessionState => forkAll(state);

/** Freezes a working copy when its runner is done with it. */
export const sealSession = (work: SessionState): SessionState => deepFreeze(work);

function applyChecked(
  state: SessionState,
  command: Command,
  begin: (s: SessionState) => SessionState,
  end: (s: SessionState) => SessionState,
  options: InPlaceOptions,
): StepResult {
  // The rules read the command's own fields and ignore `by`, so the command goes in whole:
  // splitting it with a rest pattern costs more than many a rule.
  const by = command.by;
  const rejection = checkCommand(state, by, command);
  if (rejection) return { ok: false, state, error: rejection };
  const events: EngineEvent[] = [];
  const work = begin(state);
  const ctx: StepContext = {
    s: work,
    scenario: state.scenario,
    rng: new Rng(state.control.rng),
    events,
    quiet: options.quiet ?? false,
    onResolution: options.onResolution,
  };
  applyCommand(ctx, by, command);
  work.seq += 1;
  if (ctx.rng.used) work.control.rng = ctx.rng.state();
  return { ok: true, state: end(work), events };
}
