/**
 * Random legal play driven by a "choice tape" of integers: at each step a choice picks the
 * issuer and one of the commands the engine says it may issue now (legalCommands), or the
 * clock. Commands are generated from what is legal, never filtered after the fact, and a
 * tape shrinks well under fast-check.
 */
import {
  createSession,
  legalCommands,
  step,
  type Command,
  type Issuer,
  type Scenario,
  type SessionState,
} from '../../engine/index.js';

export interface RandomPlay {
  readonly state: SessionState;
  readonly commands: readonly Command[];
}

/** One in `CLOCK_EVERY` choices advances the clock. */
const CLOCK_EVERY = 8;

/** Picks a legal command for `choice`; pause/resume are left out so that play can go on. */
export function chooseCommand(state: SessionState, choice: number): Command {
  if (state.status === 'setup') return { by: 'system', type: 'start' };
  if (choice % CLOCK_EVERY === 0) return { by: 'system', type: 'advance' };
  const issuers: Issuer[] = [
    'facilitator',
    ...state.scenario.teams.map((t) => `team:${t.id}` as const),
  ];
  const rest = Math.floor(choice / CLOCK_EVERY);
  const by = issuers[rest % issuers.length] ?? 'facilitator';
  const options = legalCommands(state, by).filter((c) => c.type !== 'pause' && c.type !== 'resume');
  const pick = options[Math.floor(rest / issuers.length) % Math.max(1, options.length)];
  return pick ? { ...pick, by } : { by: 'system', type: 'advance' };
}

/**
 * Plays the tape, then advances the clock until the exercise ends. Throws if the engine
 * rejects a command it listed as legal: that is an engine bug.
 */
export function playChoices(
  scenario: Scenario,
  seed: string,
  choices: readonly number[],
): RandomPlay {
  let state = createSession(scenario, seed);
  const commands: Command[] = [];
  const apply = (c: Command): void => {
    const r = step(state, c);
    if (!r.ok) throw new Error(`legal command rejected: ${JSON.stringify(c)}: ${r.error.message}`);
    state = r.state;
    commands.push(c);
  };
  for (const choice of choices) {
    if (state.status === 'ended') break;
    apply(chooseCommand(state, choice));
  }
  if (state.status === 'setup') apply({ by: 'system', type: 'start' });
  while (state.status === 'running') apply({ by: 'system', type: 'advance' });
  return { state, commands };
}
