/** Shared fixtures of the analysis tests: bundled scenarios and recorded session logs. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { hashState, type Scenario } from '../../engine/index.js';
import { formatLog, logHeader } from '../../src/log/command-log.js';
import { parseDecisions } from '../../src/run/decisions.js';
import { playScenario, type Decisions } from '../../src/run/headless.js';
import { loadScenarioFile } from '../../src/scenario/load.js';

export const TUTORIAL = 'scenarios/tutorial.yaml';
export const KOSOVO = 'scenarios/kosovo-1999.yaml';

export function scenarioOf(file: string): { scenario: Scenario; hash: string } {
  const r = loadScenarioFile(file);
  if (!r.ok) throw new Error(`cannot load ${file}`);
  return { scenario: r.scenario, hash: r.hash };
}

export const tmp = (): string => mkdtempSync(join(tmpdir(), 'ttx-analysis-'));

/** Plays a scenario headless and writes its command log (as `ttx run --log` does). */
export function writeLog(
  file: string,
  seed: string,
  dir: string,
  decisions?: Decisions,
  name = `${seed}.jsonl`,
): string {
  const { scenario, hash } = scenarioOf(file);
  const record = playScenario(scenario, seed, decisions ? { decisions } : {});
  const path = join(dir, name);
  const header = logHeader({ id: scenario.id, hash, file: relative(dir, file) }, seed);
  writeFileSync(
    path,
    formatLog(header, record.commands, {
      seq: record.state.seq,
      stateHash: hashState(record.state),
    }),
  );
  return path;
}

export function decisions(yaml: string): Decisions {
  return parseDecisions(yaml, 'test.yaml');
}
