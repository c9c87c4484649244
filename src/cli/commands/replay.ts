/**
 * `ttx replay <log.jsonl> [--scenario file] [--json]`: replay a command log and print the
 * same summary as `ttx run`. Fails loudly when the scenario changed since the log was
 * written, a command is rejected, or the recorded state hash differs.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { EngineEvent } from '../../../engine/index.js';
import { EXIT, raiseExit, type CliContext } from '../context.js';

interface ReplayOptions {
  scenario?: string;
  json?: boolean;
}

export function registerReplay(program: Command, ctx: CliContext): void {
  program
    .command('replay')
    .description('replay a command log, verify it, and print what happened')
    .argument('<log>', 'command log (.jsonl) written by ttx run --log or ttx serve')
    .option('--scenario <file>', 'the scenario file (default: the one named in the log)')
    .option('--json', 'print one JSON summary instead of the narrative')
    .action(async (file: string, opts: ReplayOptions) => {
      raiseExit(ctx, await replayLog(file, opts, ctx));
    });
}

async function replayLog(file: string, opts: ReplayOptions, ctx: CliContext): Promise<number> {
  // Loaded here, not at the top: `ttx` loads only what the command it runs needs.
  const [
    { createSession, hashState, step },
    { LogFormatError, parseLog },
    { narrative, summarize, summaryText },
    { bundledScenarioPath },
    { formatIssue, loadScenarioFile },
  ] = await Promise.all([
    import('../../../engine/index.js'),
    import('../../log/command-log.js'),
    import('../../run/report.js'),
    import('../../scenario/bundled.js'),
    import('../../scenario/load.js'),
  ]);
  const fail = (message: string): number => {
    ctx.io.err(`ttx: ${message}\n`);
    return EXIT.invalid;
  };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return fail(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let log;
  try {
    log = parseLog(text, file);
  } catch (err) {
    if (err instanceof LogFormatError) return fail(err.message);
    throw err;
  }
  const { header } = log;
  const scenarioFile =
    opts.scenario ??
    (header.scenario.file !== undefined
      ? resolve(dirname(file), header.scenario.file)
      : undefined) ??
    bundledScenarioPath(header.scenario.id);
  if (scenarioFile === undefined)
    return fail(`${file}: cannot find scenario '${header.scenario.id}'; pass --scenario`);
  const loaded = loadScenarioFile(scenarioFile);
  if (!loaded.ok) {
    for (const e of loaded.errors) ctx.io.err(`${formatIssue(e)}\n`);
    return EXIT.invalid;
  }
  if (loaded.hash !== header.scenario.hash) {
    return fail(
      `${scenarioFile} has changed since the log was written (content hash ${loaded.hash.slice(0, 12)}…, the log expects ${header.scenario.hash.slice(0, 12)}…)`,
    );
  }
  if (loaded.scenario.id !== header.scenario.id) {
    return fail(
      `${scenarioFile} is scenario '${loaded.scenario.id}', the log is for '${header.scenario.id}'`,
    );
  }
  let state = createSession(loaded.scenario, header.seed);
  const events: EngineEvent[] = [];
  for (const [i, command] of log.commands.entries()) {
    const r = step(state, command);
    if (!r.ok)
      return fail(
        `${file}:${i + 2}: command ${i + 1} was rejected on replay (${r.error.code}): ${r.error.message}`,
      );
    state = r.state;
    events.push(...r.events);
  }
  const stateHash = hashState(state);
  if (log.end && (log.end.seq !== state.seq || log.end.stateHash !== stateHash)) {
    return fail(
      `${file}: replay diverged: the log recorded state ${log.end.stateHash.slice(0, 12)}… after ${log.end.seq} commands, replay reached ${stateHash.slice(0, 12)}… after ${state.seq}`,
    );
  }
  const summary = summarize(state);
  if (opts.json)
    ctx.io.out(`${JSON.stringify({ ...summary, verified: log.end !== undefined }, null, 2)}\n`);
  else {
    ctx.io.out(narrative(loaded.scenario, events));
    ctx.io.out(`\n${summaryText(summary)}`);
    ctx.io.out(
      log.end
        ? 'Replay verified: the state hash matches the log.\n'
        : 'The log has no end record: nothing to verify against.\n',
    );
  }
  return EXIT.ok;
}
