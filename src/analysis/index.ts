/**
 * The analysis library: Monte-Carlo batches (`ttx batch`) and after-action reports
 * (`ttx report`), for the CLI and for the server to offer on a finished session.
 *
 *   const report = await runBatch({ scenario, runs: 1000, workers: 2 });
 *   batchText(report); batchHtml(report); JSON.stringify(report);
 *
 *   const session = replaySession(scenario, seed, commands);           // or replayLog(loadSessionLog(file))
 *   const futures = await runFork({ session, log: 'session 42', atTurn: 6, runs: 500 });
 */
import type { Scenario } from '../../engine/index.js';
import { buildAar } from './aar.js';
import { aarHtml, aarMarkdown, type SessionReportOptions } from './aar-render.js';
import { replaySession } from './session-log.js';

export {
  runBatch,
  runFork,
  sweepValues,
  seedFor,
  DEFAULT_RUNS,
  DEFAULT_BATCH_SEED,
  type BatchOptions,
  type BatchReport,
  type ForkOptions,
  type ForkInfo,
  type Alternative,
  type Sensitivity,
  type FactorSweep,
  type SweepLevel,
  type VarySpec,
} from './batch.js';
export {
  aggregate,
  Aggregator,
  featureLabel,
  type BatchStats,
  type DecisionStats,
  type FactorStats,
  type InjectStats,
  type PhaseStats,
} from './aggregate.js';
export { batchText } from './batch-text.js';
export { batchHtml } from './batch-html.js';
export { forkPoint, type ForkPoint } from './fork.js';
export { runPlan, type PoolOptions } from './pool.js';
export { BatchThreads, defaultWorkers } from './threads.js';
export { RunTable } from './run-table.js';
export { RESULT_CODES, type RunColumns, type RunResult } from './columns.js';
export { progressBar, type ProgressBar } from './progress.js';
export { playRun, PHASES, type RunRecord, type MeasuredPhase } from './runner.js';
export {
  loadSessionLog,
  replayLog,
  replaySession,
  SessionLogError,
  type LoadedLog,
  type Replayed,
  type ReplayedStep,
} from './session-log.js';
export { wilson, proportion, difference, type Proportion, type Summary } from './stats.js';
export {
  buildAar,
  type AarModel,
  type AarOptions,
  type DecisionEntry,
  type ResolutionEntry,
  type TurningPoint,
  type Futures,
} from './aar.js';
export { aarHtml, aarMarkdown, type SessionReportOptions };

export { DEFAULT_FUTURES } from './defaults.js';

/**
 * The after-action report of a session from its scenario, seed and commands (a server's
 * finished session): replays it and renders it in one call.
 */
export async function sessionReport(
  scenario: Scenario,
  seed: string,
  commands: readonly unknown[],
  options: SessionReportOptions,
): Promise<string> {
  const model = await buildAar(replaySession(scenario, seed, commands), {
    log: options.log,
    futures: options.futures ?? 0,
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
  });
  if (options.format === 'json') return `${JSON.stringify(model, null, 2)}\n`;
  return options.format === 'md' ? aarMarkdown(model) : aarHtml(model);
}
