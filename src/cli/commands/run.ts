/**
 * `ttx run <scenario.yaml> [--seed S] [--decisions file] [--log out.jsonl] [--json]`:
 * play a scenario headless on default policies (and any scripted decisions), print the
 * narrative with every explanation, then the outcome.
 */
import { writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { Command } from 'commander';
import { EXIT, raiseExit, type CliContext } from '../context.js';

export const DEFAULT_SEED = '1';

interface RunOptions {
  seed: string;
  decisions?: string;
  log?: string;
  json?: boolean;
}

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('play a scenario headless and print what happened, with explanations')
    .argument('<scenario>', 'scenario file (.yaml)')
    .option('-s, --seed <seed>', 'seed of the random draws', DEFAULT_SEED)
    .option('-d, --decisions <file>', 'scripted team decisions (YAML or JSON)')
    .option('-l, --log <file>', 'write the command log (JSON Lines) here')
    .option('--json', 'print one JSON summary instead of the narrative')
    .action(async (file: string, opts: RunOptions) => {
      raiseExit(ctx, await run(file, opts, ctx));
    });
}

async function run(file: string, opts: RunOptions, ctx: CliContext): Promise<number> {
  // Loaded here, not at the top: `ttx` loads only what the command it runs needs.
  const [
    { hashState },
    { formatLog, logHeader },
    { DecisionsFileError, loadDecisionsFile },
    { DecisionRejectedError, playScenario },
    { narrative, summarize, summaryText },
    { formatIssue, loadScenarioFile },
  ] = await Promise.all([
    import('../../../engine/index.js'),
    import('../../log/command-log.js'),
    import('../../run/decisions.js'),
    import('../../run/headless.js'),
    import('../../run/report.js'),
    import('../../scenario/load.js'),
  ]);
  const loaded = loadScenarioFile(file);
  if (!loaded.ok) {
    for (const e of loaded.errors) ctx.io.err(`${formatIssue(e)}\n`);
    return EXIT.invalid;
  }
  let record;
  try {
    const decisions = opts.decisions === undefined ? undefined : loadDecisionsFile(opts.decisions);
    record = playScenario(loaded.scenario, opts.seed, decisions ? { decisions } : {});
  } catch (err) {
    if (err instanceof DecisionsFileError) {
      ctx.io.err(`${err.message}\n`);
      return EXIT.invalid;
    }
    if (err instanceof DecisionRejectedError) {
      ctx.io.err(`ttx: ${opts.decisions}: ${err.message}\n`);
      return EXIT.invalid;
    }
    throw err;
  }
  const summary = summarize(record.state);
  if (opts.log !== undefined) {
    const header = logHeader(
      { id: loaded.scenario.id, hash: loaded.hash, file: relative(dirname(opts.log), file) },
      opts.seed,
    );
    writeFileSync(
      opts.log,
      formatLog(header, record.commands, {
        seq: record.state.seq,
        stateHash: hashState(record.state),
      }),
    );
  }
  if (opts.json) {
    ctx.io.out(
      `${JSON.stringify({ ...summary, ...(opts.log ? { log: opts.log } : {}) }, null, 2)}\n`,
    );
  } else {
    const sc = loaded.scenario;
    ctx.io.out(`${sc.title}${sc.period ? ` (${sc.period})` : ''}\n\n`);
    ctx.io.out(narrative(sc, record.events));
    ctx.io.out(`\n${summaryText(summary)}`);
    if (opts.log !== undefined)
      ctx.io.out(`Command log written to ${opts.log}; replay it with: ttx replay ${opts.log}\n`);
  }
  return EXIT.ok;
}
