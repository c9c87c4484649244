/**
 * `ttx validate <files...>`: load and check scenario files.
 *
 * Prints `file: ok` on stdout for each valid file, and one
 * `file:line:col error|warning: path: message` line per issue on stderr: schema problems,
 * then the static lint (unused or dangling references, events that can never trigger,
 * chances always 0 or 1, CJSOR slots nobody can fill …). Exit status 0 when every file is
 * valid (warnings allowed), 1 otherwise.
 */
import type { Command } from 'commander';
import { EXIT, raiseExit, type CliContext, type CliIO } from '../context.js';

/** Validate each file, writing the report to `io`; returns the exit status. */
export async function validateFiles(files: readonly string[], io: CliIO): Promise<number> {
  // Loaded here, not at the top: `ttx` loads only what the command it runs needs.
  const [{ lintScenario }, { formatIssue, loadScenarioFile }] = await Promise.all([
    import('../../authoring/lint.js'),
    import('../../scenario/load.js'),
  ]);
  let status: number = EXIT.ok;
  for (const file of files) {
    const result = loadScenarioFile(file);
    if (result.ok) {
      // Beyond the schema: the static lint (src/authoring/lint.ts), errors and warnings.
      const lint = lintScenario(result.scenario, file, result.position);
      const issues = [...result.warnings, ...lint].sort((a, b) => a.line - b.line || a.col - b.col);
      for (const i of issues) io.err(`${formatIssue(i)}\n`);
      if (lint.some((i) => i.severity === 'error')) status = EXIT.invalid;
      else io.out(`${file}: ok\n`);
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
    .action(async (files: string[]) => {
      raiseExit(ctx, await validateFiles(files, ctx.io));
    });
}
