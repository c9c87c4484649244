/**
 * The `ttx` package: the deterministic engine, the scenario loader, and the authoring kit
 * for scenario authors who write their own property tests (`import … from 'ttx'`).
 *
 * ```ts
 * import { fc, test } from '@fast-check/vitest';
 * import { expect } from 'vitest';
 * import { legalRuns, loadScenario } from 'ttx';
 *
 * const scenario = loadScenario('scenarios/kosovo-1999.yaml');
 * test.prop([legalRuns(scenario)])('factors stay in 0..1', (run) => {
 *   for (const v of Object.values(run.state.public.factors)) expect(v).toBeLessThanOrEqual(1);
 * });
 * ```
 */
import type { Scenario } from '../engine/index.js';
import { formatIssue, loadScenarioFile, type ScenarioIssue } from './scenario/load.js';

export * from '../engine/index.js';

// Scenarios: loading with file:line:col issues, and the static lint.
export {
  formatIssue,
  loadScenarioFile,
  parseScenarioText,
  type LoadResult,
  type ScenarioIssue,
} from './scenario/load.js';
export { lintScenario } from './authoring/lint.js';

// Playing: headless runs on default policies, command logs.
export { playScenario, type PlayOptions, type RunRecord } from './run/headless.js';
export { formatLog, logHeader, parseLog, type LogHeader } from './log/command-log.js';

// The authoring kit: arbitraries, runs, conditions, the property check.
export {
  CHOICE_MAX,
  DEFAULT_MAX_CHOICES,
  legalRuns,
  plays,
  seeds,
  type PlayArbitraryOptions,
} from './authoring/arbitraries.js';
export type { Play } from './authoring/play.js';
export { runScenario, withPolicies, type RunOptions, type ScenarioRun } from './authoring/run.js';
export { allHold, describeCondition, holds } from './authoring/conditions.js';
export {
  BUILT_INS,
  checkScenario,
  DEFAULT_RUNS,
  type CheckOptions,
  type CheckReport,
  type CheckResult,
  type Counterexample,
} from './authoring/check.js';
export { counterexampleStory, describeCommand } from './authoring/story.js';
export { counterexamplePath, writeCounterexample } from './authoring/counterexample.js';
export { expectedStages } from './authoring/stages.js';

/** Thrown by {@link loadScenario}: every issue, one `file:line:col` line each. */
export class ScenarioLoadError extends Error {
  constructor(readonly issues: readonly ScenarioIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ScenarioLoadError';
  }
}

/** Loads and validates a scenario file; throws {@link ScenarioLoadError} if it is invalid. */
export function loadScenario(file: string): Scenario {
  const r = loadScenarioFile(file);
  if (!r.ok) throw new ScenarioLoadError(r.errors);
  return r.scenario;
}
