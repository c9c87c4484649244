/**
 * What every `ttx` subcommand gets: where to write, and how to report its exit status.
 * Subcommands never call `process.exit`; `main` returns the status to its caller.
 */

/** Output sinks (stdout/stderr by default; tests pass collectors). */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

/** Exit statuses of `ttx`. */
export const EXIT = {
  /** Everything checked out. */
  ok: 0,
  /** The input is invalid (e.g. a scenario with errors). */
  invalid: 1,
  /** Bad command line (unknown command or option, missing argument). */
  usage: 2,
  /** An unexpected internal error. */
  internal: 2,
} as const;

/** Shared state of one CLI invocation. */
export interface CliContext {
  readonly io: CliIO;
  /** The status `main` returns; raise it with {@link raiseExit}. */
  exitCode: number;
}

/** Record an exit status; the worst (highest) one wins. */
export function raiseExit(ctx: CliContext, code: number): void {
  ctx.exitCode = Math.max(ctx.exitCode, code);
}

/** The process's own stdout and stderr. */
export const processIO: CliIO = {
  out: (text) => {
    process.stdout.write(text);
  },
  err: (text) => {
    process.stderr.write(text);
  },
};
