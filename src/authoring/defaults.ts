/**
 * `ttx check`'s defaults, in a module of their own so that the CLI can show them in its help
 * without loading the checker.
 */

/** Random runs `ttx check` explores by default. */
export const DEFAULT_RUNS = 200;

/** The seed `ttx check` explores by default (the same seed explores the same runs). */
export const DEFAULT_CHECK_SEED = 1;
