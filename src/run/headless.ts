/**
 * Headless play: default policies for every team, plus an optional list of scripted
 * decisions applied at the start of their turn. The shared path for `ttx run`, batches and
 * property checks.
 */
import {
  createWorkingSession,
  applyInPlace,
  type Command,
  type EngineEvent,
  type Rejection,
  type Scenario,
  type SessionState,
} from '../../engine/index.js';

/** A decision scripted for a turn; `by` is the issuer, the rest is the command. */
export type ScheduledDecision = Command & { readonly turn: number };

export interface Decisions {
  /** Teams that no policy plays: only their scripted decisions are taken. */
  readonly human: readonly string[];
  readonly decisions: readonly ScheduledDecision[];
}

export interface RunRecord {
  readonly state: SessionState;
  /** Every applied command, in order: the session's command log. */
  readonly commands: readonly Command[];
  /** What happened, each event with the turn it belongs to. */
  readonly events: readonly EngineEvent[];
}

export class DecisionRejectedError extends Error {
  constructor(
    readonly index: number,
    readonly decision: ScheduledDecision,
    readonly rejection: Rejection,
  ) {
    super(
      `decision ${index + 1} (turn ${decision.turn}, ${decision.by} ${decision.type}) was rejected: ${rejection.message}`,
    );
    this.name = 'DecisionRejectedError';
  }
}

export interface PlayOptions {
  readonly decisions?: Decisions;
  /** Keep the events (the narrative); batches that only need outcomes pass false. */
  readonly keepEvents?: boolean;
}

/** Plays a scenario to its end. Throws DecisionRejectedError if a scripted decision is illegal. */
export function playScenario(
  scenario: Scenario,
  seed: string,
  options: PlayOptions = {},
): RunRecord {
  const { decisions, keepEvents = true } = options;
  // This run owns its state and never looks back, so it steps one working copy in place.
  const state = createWorkingSession(scenario, seed);
  const commands: Command[] = [];
  const events: EngineEvent[] = [];
  const apply = (c: Command): ReturnType<typeof applyInPlace> => {
    const r = applyInPlace(state, c, { quiet: !keepEvents });
    if (r.ok) {
      commands.push(c);
      if (keepEvents) events.push(...r.events);
    }
    return r;
  };
  for (const team of decisions?.human ?? []) {
    const r = apply({ by: 'facilitator', type: 'setControl', team, mode: 'human' });
    if (!r.ok) throw new Error(`human team '${team}': ${r.error.message}`);
  }
  const script = [...(decisions?.decisions ?? [])].map((d, i) => ({ d, i }));
  script.sort((a, b) => a.d.turn - b.d.turn || a.i - b.i);
  let next = 0;
  apply({ by: 'system', type: 'start' });
  while (state.status === 'running') {
    for (; next < script.length && (script[next]?.d.turn ?? Infinity) <= state.turn; next++) {
      const entry = script[next];
      if (!entry) continue;
      const { turn: _turn, ...command } = entry.d;
      const r = apply(command);
      if (!r.ok) throw new DecisionRejectedError(entry.i, entry.d, r.error);
    }
    apply({ by: 'system', type: 'advance' });
  }
  // Not frozen: the run owns this state, and freezing it costs a tenth of a Kosovo run.
  return { state, commands, events };
}
