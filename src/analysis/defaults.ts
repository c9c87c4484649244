/**
 * The analysis library's defaults, in a module of their own so that the CLI can show them in
 * its help without loading the library (see src/cli/commands/batch.ts).
 */

/** Runs `ttx batch` plays by default. */
export const DEFAULT_RUNS = 1000;

/** Futures per turn `ttx report` forks by default for the odds and turning points. */
export const DEFAULT_FUTURES = 100;
