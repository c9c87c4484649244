/**
 * `ttx check <scenario.yaml> [--runs N] [--seed S] [--json] [--workers N]`: property-based testing of a
 * scenario (see src/authoring/check.ts). Prints a line per built-in invariant and author
 * property; for each failure, a shrunk counterexample as a story, written as a command log
 * (`<scenario>.counterexample.jsonl`) that `ttx replay` reproduces. Exit 0 when everything
 * holds, 1 when something fails (or the scenario is invalid).
 */
import { availableParallelism, loadavg } from 'node:os';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Progress } from '../../authoring/check.js';
import type { Written } from '../../authoring/counterexample.js';
import { DEFAULT_CHECK_SEED, DEFAULT_RUNS } from '../../authoring/defaults.js';
import { EXIT, processIO, raiseExit, type CliContext } from '../context.js';

interface CheckOptions {
  runs: number;
  seed: number;
  workers?: number;
  json?: boolean;
  write: boolean;
}

const positive = (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('a positive whole number');
  return Number(v);
};
const integer = (v: string): number => {
  if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError('a whole number');
  return Number(v);
};

export function registerCheck(program: Command, ctx: CliContext): void {
  program
    .command('check')
    .description('property-test a scenario: built-in invariants and the properties it declares')
    .argument('<scenario>', 'scenario file (.yaml)')
    .option('-r, --runs <n>', 'random runs to explore', positive, DEFAULT_RUNS)
    .option(
      '-s, --seed <n>',
      'seed of the check (the same seed explores the same runs)',
      integer,
      DEFAULT_CHECK_SEED,
    )
    .option('--json', 'print one JSON report instead of the text')
    .option('--no-write', 'do not write counterexample logs')
    .option(
      '-j, --workers <n>',
      'worker threads (default: one per idle core, at most 4, from 500 runs)',
      positive,
    )
    .action(async (file: string, opts: CheckOptions) => {
      raiseExit(ctx, await check(file, opts, ctx));
    });
}

async function check(file: string, opts: CheckOptions, ctx: CliContext): Promise<number> {
  // Loaded here, not at the top: `ttx` loads only what the command it runs needs.
  const [
    { checkScenario },
    { counterexamplePath, writeCounterexample },
    { formatReport, reportJson },
    { formatIssue, loadScenarioFile },
  ] = await Promise.all([
    import('../../authoring/check.js'),
    import('../../authoring/counterexample.js'),
    import('../../authoring/report.js'),
    import('../../scenario/load.js'),
  ]);
  const loaded = loadScenarioFile(file);
  if (!loaded.ok) {
    for (const e of loaded.errors) ctx.io.err(`${formatIssue(e)}\n`);
    return EXIT.invalid;
  }
  const progress = progressLine(ctx, loaded.scenario.id);
  const workers = opts.workers ?? defaultWorkers(opts.runs);
  const report = await checkScenario(loaded.scenario, {
    runs: opts.runs,
    seed: opts.seed,
    workers,
    ...(progress ? { onProgress: progress.update } : {}),
  });
  progress?.clear();
  const written = new Map<string, Written>();
  if (opts.write) {
    let first = true;
    for (const r of report.results) {
      if (!r.counterexample) continue;
      const path = counterexamplePath(file, first ? undefined : r.id);
      first = false;
      try {
        written.set(r.id, writeCounterexample(r.counterexample, path, { file, hash: loaded.hash }));
      } catch (err) {
        ctx.io.err(
          `ttx: cannot write ${path}: ${err instanceof Error ? err.message : String(err)}\n`,
        );
      }
    }
  }
  if (opts.json) ctx.io.out(`${JSON.stringify(reportJson(report, written), null, 2)}\n`);
  else ctx.io.out(formatReport(report, file, written));
  return report.ok ? EXIT.ok : EXIT.invalid;
}

/** A one-line progress display on stderr, only when stderr is a terminal. */
function progressLine(
  ctx: CliContext,
  label: string,
): { update: (p: Progress) => void; clear: () => void } | undefined {
  if (ctx.io !== processIO || !process.stderr.isTTY) return undefined;
  let last = 0;
  return {
    update: (p) => {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const what = {
        explore: 'runs',
        guide: 'guided runs',
        statistics: 'statistics',
        shrink: 'shrinking',
      }[p.phase];
      process.stderr.write(`\r\x1b[2Kttx check ${label}: ${what} ${p.done}/${p.total}`);
    },
    clear: () => {
      process.stderr.write('\r\x1b[2K');
    },
  };
}

/**
 * Threads pay off on long checks only (each costs about a second to start and warm up), and
 * only on cores other work leaves idle: on a busy machine they compete with it and with each
 * other. The report is the same whatever the number.
 */
function defaultWorkers(runs: number): number {
  const idle = availableParallelism() - Math.round(loadavg()[0] ?? 0);
  return runs >= 500 && idle >= 2 ? Math.min(4, idle) : 1;
}
