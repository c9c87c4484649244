/**
 * Counterexamples as command logs (`<scenario>.counterexample.jsonl`) that `ttx replay`
 * reproduces exactly: the header names the scenario file and its content hash, the trailer
 * the hash of the failing state. A statistic claimed under assumed policies is replayed on a
 * copy of the scenario with those policies, written next to the log.
 */
import { writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { stringify } from 'yaml';
import { formatLog, logHeader } from '../log/command-log.js';
import { contentHash } from '../scenario/load.js';
import type { Counterexample } from './check.js';

/** `dir/kosovo-1999.yaml` → `dir/kosovo-1999.counterexample.jsonl` (or `.<id>.counterexample.jsonl`). */
export function counterexamplePath(scenarioFile: string, id?: string): string {
  const base = basename(scenarioFile).replace(/\.(ya?ml|json)$/i, '');
  return join(
    dirname(scenarioFile),
    `${base}${id === undefined ? '' : `.${id}`}.counterexample.jsonl`,
  );
}

export interface Written {
  readonly log: string;
  /** The scenario copy with the assumed policies, when there is one. */
  readonly scenario?: string;
}

/**
 * Writes the counterexample's command log to `logPath`. `scenario` is the checked file and
 * its content hash (from the loader).
 */
export function writeCounterexample(
  cx: Counterexample,
  logPath: string,
  scenario: { readonly file: string; readonly hash: string },
): Written {
  let file = scenario.file;
  let hash = scenario.hash;
  let written: string | undefined;
  if (cx.assuming) {
    written = logPath.replace(/\.jsonl$/, '') + '.scenario.yaml';
    const text =
      `# Written by ttx check: ${basename(scenario.file)} with every team's default policy\n` +
      `# set to ${JSON.stringify(cx.assuming)}, to replay ${basename(logPath)}.\n` +
      stringify(cx.scenario, { lineWidth: 0 });
    writeFileSync(written, text);
    file = written;
    hash = contentHash(Buffer.from(text, 'utf8'));
  }
  const header = logHeader(
    { id: cx.scenario.id, hash, file: relative(dirname(logPath), file) || basename(file) },
    cx.seed,
  );
  const commands = cx.failingCommand ? [...cx.commands, cx.failingCommand] : cx.commands;
  const end =
    cx.state && !cx.failingCommand
      ? { seq: cx.commands.length, stateHash: cx.state.hash }
      : undefined;
  writeFileSync(logPath, formatLog(header, commands, end));
  return { log: logPath, ...(written ? { scenario: written } : {}) };
}
