/**
 * fast-check arbitraries for property tests of a scenario: seeds, and legal decision sequences
 * (a seed with a "choice tape" that picks, at every step, one of the commands the engine says
 * is legal for some issuer, or the clock). They shrink towards seed "0" and towards a short
 * tape of zeros, i.e. towards an exercise played by the clock and the default policies alone.
 */
import fc from 'fast-check';
import type { Scenario } from '../../engine/index.js';
import type { Play } from './play.js';
import { runScenario, type ScenarioRun, type RunOptions } from './run.js';

/** Choices are drawn below this bound (any non-negative integer is a valid choice). */
export const CHOICE_MAX = 2 ** 20;
/** Default longest tape: about 16 turns of random decisions (one choice in 8 is the clock). */
export const DEFAULT_MAX_CHOICES = 120;

/** The raw form of a play: `[seed number, choices]`. fast-check can shrink it without context. */
export type RawPlay = [number, number[]];

export interface PlayArbitraryOptions {
  /** Longest choice tape (default {@link DEFAULT_MAX_CHOICES}); lengths are spread evenly. */
  readonly maxChoices?: number;
}

/** The raw arbitrary behind {@link plays} (used by `ttx check` to shrink without context). */
export function rawPlays(options: PlayArbitraryOptions = {}): fc.Arbitrary<RawPlay> {
  return fc.tuple(
    fc.nat({ max: 2 ** 31 - 1 }),
    fc.array(fc.nat({ max: CHOICE_MAX - 1 }), {
      maxLength: options.maxChoices ?? DEFAULT_MAX_CHOICES,
      size: 'max',
    }),
  );
}

export const toPlay = ([seed, choices]: RawPlay): Play => ({ seed: String(seed), choices });

/** Session seeds: decimal strings, shrinking towards "0". */
export function seeds(): fc.Arbitrary<string> {
  return fc.nat({ max: 2 ** 31 - 1 }).map(String, (s) => {
    if (typeof s !== 'string' || !/^(0|[1-9]\d{0,9})$/.test(s)) throw new Error('not a seed');
    return Number(s);
  });
}

/** Seeds with choice tapes: the inputs of property runs (play one with `runScenario`). */
export function plays(options: PlayArbitraryOptions = {}): fc.Arbitrary<Play> {
  return rawPlays(options).map(toPlay);
}

/**
 * Complete legal exercises of `scenario`: each value is a finished {@link ScenarioRun} (its
 * `commands` are the legal decision sequence, every one accepted by the engine).
 */
export function legalRuns(
  scenario: Scenario,
  options: PlayArbitraryOptions & Omit<RunOptions, 'seed' | 'choices' | 'commands'> = {},
): fc.Arbitrary<ScenarioRun> {
  const { maxChoices, ...run } = options;
  return plays(maxChoices === undefined ? {} : { maxChoices }).map((p) =>
    runScenario(scenario, { ...run, seed: p.seed, choices: p.choices }),
  );
}
