/**
 * `ttx`: the command-line shell over the engine.
 *
 * Each subcommand lives in `commands/<name>.ts` and exports a `register<Name>(program, ctx)`
 * that adds it to the program. `main` never throws and never calls `process.exit`: it
 * returns the exit status (see {@link EXIT}). Usage errors print one `ttx: …` line;
 * unexpected errors print `ttx: <message>` (no stack trace) and return 2.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerBatch } from './commands/batch.js';
import { registerCheck } from './commands/check.js';
import { registerGraph } from './commands/graph.js';
import { registerReplay } from './commands/replay.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { registerServe } from './commands/serve.js';
import { registerValidate } from './commands/validate.js';
import { projectPath } from '../paths.js';
import { EXIT, processIO, type CliContext, type CliIO } from './context.js';

/** Every subcommand's registration, in help order. */
const COMMANDS: readonly ((program: Command, ctx: CliContext) => void)[] = [
  registerRun,
  registerReplay,
  registerValidate,
  registerCheck,
  registerGraph,
  registerServe,
  registerBatch,
  registerReport,
];

/** Build the `ttx` program bound to `ctx` (its output and exit status). */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('ttx')
    .description('Tabletop crisis-response simulation engine')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => ctx.io.out(s),
      writeErr: (s) => ctx.io.err(s),
      outputError: (s, write) => write(`${oneLine(s)}\n`),
    });
  // Subcommands created with program.command() inherit the settings above.
  for (const register of COMMANDS) register(program, ctx);
  program.helpCommand('help [command]', 'show help for a command');
  return program;
}

/**
 * Run `ttx` with `argv` in Node's layout (`[node, script, ...args]`); resolves to the exit
 * status.
 */
export async function main(
  argv: readonly string[] = process.argv,
  io: CliIO = processIO,
): Promise<number> {
  const ctx: CliContext = { io, exitCode: EXIT.ok };
  try {
    await buildProgram(ctx).parseAsync([...argv], { from: 'node' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; "ttx" alone shows help (on stderr) and is a usage error.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    io.err(`ttx: ${errorMessage(err)}\n`);
    return EXIT.internal;
  }
}

/** `error: unknown command 'x'\n(Did you mean y?)` → `ttx: unknown command 'x' (Did you mean y?)` */
function oneLine(s: string): string {
  const text = s
    .replace(/^error:\s*/i, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  return `ttx: ${text}`;
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const isEntry =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`ttx: ${errorMessage(err)}\n`);
      process.exitCode = EXIT.internal;
    },
  );
}
