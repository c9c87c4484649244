/**
 * `ttx validate <files...>`: load and check scenario files.
 *
 * Prints `file: ok` on stdout for each valid file, and one
 * `file:line:col error|warning: path: message` line per issue on stderr. Exit status 0 when
 * every file is valid, 1 otherwise.
 */
import type { Command } from 'commander';
import { formatIssue, loadScenarioFile } from '../../scenario/load.js';
import { EXIT, raiseExit, type CliContext, type CliIO } from '../context.js';

/** Validate each file, writing the report to `io`; returns the exit status. */
export function validateFiles(files: readonly string[], io: CliIO): number {
  let status: number = EXIT.ok;
  for (const file of files) {
    const result = loadScenarioFile(file);
    if (result.ok) {
      for (const w of result.warnings) io.err(`${formatIssue(w)}\n`);
      io.out(`${file}: ok\n`);
    } else {
      for (const e of result.errors) io.err(`${formatIssue(e)}\n`);
      status = EXIT.invalid;
    }
  }
  return status;
}

/** Register the `validate` subcommand on `program`. */
export function registerValidate(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description('check scenario files against the scenario language; report every problem')
    .argument('<files...>', 'scenario files (.yaml)')
    .action((files: string[]) => {
      raiseExit(ctx, validateFiles(files, ctx.io));
    });
}
