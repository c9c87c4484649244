/**
 * `ttx batch <scenario.yaml> [--runs N] [--seed S] [--workers K] [--decisions file]
 *            [--vary factor=lo:hi[:steps] ...] [--json] [--html out.html]`
 * `ttx batch --from log.jsonl --at-turn T [--decisions alternative.yaml] …`
 *
 * Monte-Carlo batches over worker threads: outcome distribution with confidence intervals,
 * end turns and factors, phase durations, injects, decisions associated with success,
 * sensitivity sweeps, and futures of a recorded session ("bad luck or bad decision?").
 */
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { BatchReport, VarySpec } from '../../analysis/index.js';
import { DEFAULT_RUNS } from '../../analysis/defaults.js';
import { BatchThreads, defaultWorkers } from '../../analysis/threads.js';
import type { Decisions } from '../../run/headless.js';
import { EXIT, raiseExit, type CliContext } from '../context.js';

interface BatchOptions {
  runs: string;
  seed?: string;
  workers?: string;
  decisions?: string;
  vary?: string[];
  from?: string;
  atTurn?: string;
  json?: boolean;
  html?: string;
  progress?: boolean;
}

class UsageError extends Error {}

export function registerBatch(program: Command, ctx: CliContext): void {
  program
    .command('batch')
    .description(
      'play a scenario many times (or futures of a session log) and report the distribution of outcomes',
    )
    .argument('[scenario]', 'scenario file (.yaml); with --from, overrides the one the log names')
    .option('-n, --runs <n>', 'runs (or futures) to play', String(DEFAULT_RUNS))
    .option('-s, --seed <seed>', 'base seed: run i plays seed <seed>:<i> (default 1)')
    .option('-w, --workers <k>', 'worker threads, 0 to play in this thread (default: one per core)')
    .option('-d, --decisions <file>', 'scripted decisions (with --from: alternative decisions)')
    .option(
      '--vary <factor=lo:hi...>',
      'sweep start factors one at a time: factor=lo:hi[:steps], steps 5 by default (several specs, or --vary again)',
    )
    .option('--from <log>', 'fork a recorded session (command log) …')
    .option('--at-turn <T>', '… at the start of turn T, and play its futures')
    .option('--json', 'print the results as JSON')
    .option('--html <file>', 'also write a self-contained HTML report with charts')
    .addOption(new Option('--progress', 'show a progress bar even when stderr is not a terminal'))
    .addOption(new Option('--no-progress', 'never show a progress bar'))
    .action(async (file: string | undefined, opts: BatchOptions) => {
      raiseExit(ctx, await batch(file, opts, ctx));
    });
}

async function batch(
  file: string | undefined,
  opts: BatchOptions,
  ctx: CliContext,
): Promise<number> {
  const fail = (message: string, code: number = EXIT.invalid): number => {
    ctx.io.err(`ttx: ${message}\n`);
    return code;
  };
  let runs: number;
  let workers: number | undefined;
  let vary: VarySpec[];
  let atTurn: number | undefined;
  try {
    runs = wholeNumber('--runs', opts.runs, 1);
    workers = opts.workers === undefined ? undefined : wholeNumber('--workers', opts.workers, 0);
    vary = (opts.vary ?? []).map(parseVary);
    atTurn = opts.atTurn === undefined ? undefined : wholeNumber('--at-turn', opts.atTurn, 1);
    if (opts.from === undefined && file === undefined)
      throw new UsageError('batch needs a scenario file, or --from <log> --at-turn <T>');
    if (opts.from !== undefined && atTurn === undefined)
      throw new UsageError('--from needs --at-turn <T>');
    if (opts.from === undefined && atTurn !== undefined)
      throw new UsageError('--at-turn needs --from <log>');
    if (opts.from !== undefined && vary.length > 0)
      throw new UsageError('--vary sweeps a scenario’s start factors; it does not apply to --from');
  } catch (err) {
    if (err instanceof UsageError) return fail(err.message, EXIT.usage);
    throw err;
  }

  // The threads start first and boot while this thread loads the engine, the analysis and
  // the scenario (or the log), which this module leaves until now: a batch starts a few
  // tenths of a second sooner.
  const threadCount = Math.min(workers ?? defaultWorkers(), runs);
  const threads = threadCount > 0 ? new BatchThreads(threadCount) : undefined;
  try {
    return await play(file, opts, ctx, { runs, atTurn, vary, threads });
  } finally {
    await threads?.close();
  }
}

async function play(
  file: string | undefined,
  opts: BatchOptions,
  ctx: CliContext,
  args: {
    runs: number;
    atTurn: number | undefined;
    vary: VarySpec[];
    threads: BatchThreads | undefined;
  },
): Promise<number> {
  const { runs, atTurn, vary, threads } = args;
  const fail = (message: string): number => {
    ctx.io.err(`ttx: ${message}\n`);
    return EXIT.invalid;
  };
  const [analysis, { DecisionsFileError, loadDecisionsFile }, { formatIssue, loadScenarioFile }] =
    await Promise.all([
      import('../../analysis/index.js'),
      import('../../run/decisions.js'),
      import('../../scenario/load.js'),
    ]);
  const { batchHtml, batchText, loadSessionLog, progressBar, replayLog, runBatch, runFork } =
    analysis;

  let decisions: Decisions | undefined;
  try {
    decisions = opts.decisions === undefined ? undefined : loadDecisionsFile(opts.decisions);
  } catch (err) {
    if (err instanceof DecisionsFileError) {
      ctx.io.err(`${err.message}\n`);
      return EXIT.invalid;
    }
    throw err;
  }

  const showProgress = opts.progress ?? (process.stderr.isTTY && !opts.json);
  const bar = showProgress ? progressBar({ write: (t) => ctx.io.err(t) }) : undefined;
  const common = {
    runs,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(threads ? { threads } : { workers: 0 }),
    ...(bar ? { onProgress: (d: number, t: number) => bar.update(d, t) } : {}),
  };
  let report: BatchReport;
  try {
    if (opts.from !== undefined) {
      const loaded = loadSessionLog(opts.from, file);
      const session = replayLog(loaded);
      report = await runFork({
        ...common,
        session,
        log: opts.from,
        atTurn: atTurn ?? 1,
        ...(decisions ? { alternative: decisions } : {}),
      });
    } else {
      const loaded = loadScenarioFile(file ?? '');
      if (!loaded.ok) {
        for (const e of loaded.errors) ctx.io.err(`${formatIssue(e)}\n`);
        return EXIT.invalid;
      }
      report = await runBatch({
        ...common,
        scenario: loaded.scenario,
        ...(decisions ? { decisions } : {}),
        vary,
      });
    }
  } catch (err) {
    if (err instanceof analysis.SessionLogError || err instanceof RangeError)
      return fail(err.message);
    throw err;
  } finally {
    bar?.done();
  }

  if (opts.html !== undefined) {
    try {
      writeFileSync(opts.html, batchHtml(report));
    } catch (err) {
      return fail(
        `${opts.html}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      );
    }
  }
  if (opts.json) ctx.io.out(`${JSON.stringify(report, null, 2)}\n`);
  else {
    ctx.io.out(batchText(report));
    if (opts.html !== undefined) ctx.io.out(`\nHTML report written to ${opts.html}\n`);
  }
  return EXIT.ok;
}

function wholeNumber(name: string, raw: string, min: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min)
    throw new UsageError(`${name} must be a whole number ≥ ${min} (got '${raw}')`);
  return n;
}

/** `security=0.2:0.8` or `security=0.2:0.8:7`. */
export function parseVary(spec: string): VarySpec {
  const m = /^([A-Za-z][\w-]*)=([0-9.]+):([0-9.]+)(?::(\d+))?$/.exec(spec.trim());
  const low = Number(m?.[2]);
  const high = Number(m?.[3]);
  const steps = m?.[4] === undefined ? 5 : Number(m[4]);
  if (!m?.[1] || !Number.isFinite(low) || !Number.isFinite(high)) {
    throw new UsageError(
      `--vary '${spec}': expected factor=low:high[:steps], e.g. security=0.2:0.8`,
    );
  }
  if (!(low >= 0 && high <= 1 && low < high))
    throw new UsageError(`--vary '${spec}': need 0 ≤ low < high ≤ 1`);
  if (steps < 2 || steps > 21) throw new UsageError(`--vary '${spec}': steps from 2 to 21`);
  return { factor: m[1], low, high, steps };
}
