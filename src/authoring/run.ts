/**
 * `runScenario`: play one exercise of a scenario to its end, for authors' own tests. A run is
 * the default policies and the clock, optionally preceded by scripted commands and by a
 * choice tape of random legal decisions (see arbitraries.ts).
 */
import {
  sealSession,
  type Command,
  type EngineEvent,
  type Outcome,
  type PolicyAssumptionDef,
  type Scenario,
  type SessionState,
} from '../../engine/index.js';
import { playInPlace } from './play.js';

export interface RunOptions {
  /** Session seed (default "1"). */
  readonly seed?: string;
  /** A choice tape: random legal decisions before the clock and the policies take over. */
  readonly choices?: readonly number[];
  /** Commands to apply first, in order; each must be legal when it comes (else it throws). */
  readonly commands?: readonly Command[];
  /** Default-policy settings every team follows in this run, e.g. `{ pledge: 'full' }`. */
  readonly assuming?: PolicyAssumptionDef;
  /**
   * Called with every state the run reaches (the initial one included) and the events that
   * led to it. The state is the run's live working copy: read it, do not keep it.
   */
  readonly onState?: (state: SessionState, events: readonly EngineEvent[]) => void;
}

export interface ScenarioRun {
  /** The scenario as played (with `assuming` applied). */
  readonly scenario: Scenario;
  readonly seed: string;
  /** Every command applied, in order: the run's command log. */
  readonly commands: readonly Command[];
  /** The final state (frozen). */
  readonly state: SessionState;
  readonly outcome: Outcome | null;
  /** Everything that happened (the white cell's view). */
  readonly events: readonly EngineEvent[];
}

/** The scenario with every team's default policy changed as `assuming` says. */
export function withPolicies(sc: Scenario, assuming: PolicyAssumptionDef | undefined): Scenario {
  const set = Object.entries(assuming ?? {}).filter(([, v]) => v !== undefined);
  if (set.length === 0) return sc;
  const change = Object.fromEntries(set) as Partial<Scenario['teams'][number]['policy']>;
  return { ...sc, teams: sc.teams.map((t) => ({ ...t, policy: { ...t.policy, ...change } })) };
}

/** Plays one exercise of `scenario` to its end. Throws if the engine fails or a script is illegal. */
export function runScenario(scenario: Scenario, options: RunOptions = {}): ScenarioRun {
  const sc = withPolicies(scenario, options.assuming);
  const seed = options.seed ?? '1';
  const events: EngineEvent[] = [];
  const out = playInPlace(
    sc,
    { seed, choices: options.choices ?? [] },
    (s, ev) => {
      events.push(...ev);
      options.onState?.(s, ev);
    },
    options.commands,
  );
  if (out.error) throw new Error(out.error.message);
  if (out.stop !== 'ended') throw new Error(`the exercise did not end (${out.stop})`);
  const state = sealSession(out.state);
  return { scenario: sc, seed, commands: out.commands, state, outcome: state.outcome, events };
}
