/**
 * `ttx report <log.jsonl> [-o aar.html] [--format html|md] [--futures N] [--json]`: the
 * after-action report of a recorded session (see src/analysis/aar.ts).
 */
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_FUTURES } from '../../analysis/defaults.js';
import { EXIT, raiseExit, type CliContext } from '../context.js';

interface ReportOptions {
  output?: string;
  format?: 'html' | 'md';
  scenario?: string;
  futures: string;
  workers?: string;
  seed?: string;
  json?: boolean;
  progress?: boolean;
}

export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description('write the after-action report of a recorded session (command log)')
    .argument('<log>', 'command log (.jsonl) written by ttx run --log or ttx serve')
    .option('-o, --output <file>', 'write the report here (default: Markdown on stdout)')
    .addOption(
      new Option(
        '-f, --format <format>',
        'html or md (default: Markdown on stdout; with -o, from the file name, else html)',
      ).choices(['html', 'md']),
    )
    .option('--scenario <file>', 'the scenario file (default: the one named in the log)')
    .option(
      '--futures <n>',
      'futures forked at the start of each turn for the odds and turning points (0: none)',
      String(DEFAULT_FUTURES),
    )
    .option('-w, --workers <k>', 'worker threads for the futures (default: one per core)')
    .option('-s, --seed <seed>', 'base seed of the futures')
    .option('--json', 'print the report model as JSON')
    .addOption(new Option('--progress', 'show a progress bar even when stderr is not a terminal'))
    .addOption(new Option('--no-progress', 'never show a progress bar'))
    .action(async (file: string, opts: ReportOptions) => {
      raiseExit(ctx, await report(file, opts, ctx));
    });
}

async function report(file: string, opts: ReportOptions, ctx: CliContext): Promise<number> {
  // Loaded here, not at the top: `ttx` loads only what the command it runs needs.
  const {
    aarHtml,
    aarMarkdown,
    buildAar,
    loadSessionLog,
    progressBar,
    replayLog,
    SessionLogError,
  } = await import('../../analysis/index.js');
  const fail = (message: string, code: number = EXIT.invalid): number => {
    ctx.io.err(`ttx: ${message}\n`);
    return code;
  };
  const futures = Number(opts.futures);
  if (!/^\d+$/.test(opts.futures) || !Number.isSafeInteger(futures))
    return fail(`--futures must be a whole number ≥ 0 (got '${opts.futures}')`, EXIT.usage);
  const workers = opts.workers === undefined ? undefined : Number(opts.workers);
  if (
    workers !== undefined &&
    (!/^\d+$/.test(opts.workers ?? '') || !Number.isSafeInteger(workers))
  )
    return fail(`--workers must be a whole number ≥ 0 (got '${opts.workers}')`, EXIT.usage);
  const format =
    opts.format ??
    (opts.output === undefined
      ? 'md'
      : extname(opts.output).toLowerCase() === '.md'
        ? 'md'
        : 'html');
  const showProgress = opts.progress ?? (process.stderr.isTTY && futures > 0);
  const bar = showProgress ? progressBar({ write: (t) => ctx.io.err(t) }, 'futures') : undefined;
  let text: string;
  try {
    const loaded = loadSessionLog(file, opts.scenario);
    const model = await buildAar(replayLog(loaded), {
      log: file,
      futures,
      ...(workers !== undefined ? { workers } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(bar ? { onProgress: (d: number, t: number) => bar.update(d, t) } : {}),
    });
    text = opts.json
      ? `${JSON.stringify(model, null, 2)}\n`
      : format === 'md'
        ? aarMarkdown(model)
        : aarHtml(model);
  } catch (err) {
    if (err instanceof SessionLogError) return fail(err.message);
    throw err;
  } finally {
    bar?.done();
  }
  if (opts.output === undefined) {
    ctx.io.out(text);
    return EXIT.ok;
  }
  try {
    writeFileSync(opts.output, text);
  } catch (err) {
    return fail(
      `${opts.output}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  ctx.io.out(`After-action report written to ${opts.output}\n`);
  return EXIT.ok;
}
