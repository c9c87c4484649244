/** What `ttx check` prints: a line per property, then each counterexample as a story. */
import type { CheckReport, CheckResult } from './check.js';
import type { Written } from './counterexample.js';
import { counterexampleStory, decisionsOf } from './story.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The human-readable report. `written`: where each result's counterexample was written. */
export function formatReport(
  report: CheckReport,
  file: string,
  written: ReadonlyMap<string, Written>,
): string {
  const out: string[] = [];
  const guided = report.guidedRuns > 0 ? ` (+${report.guidedRuns} guided)` : '';
  out.push(`ttx check ${file} — ${report.title}`);
  out.push(
    `${report.runs} random runs${guided}, check seed ${report.seed}, ${report.states} states, ${seconds(report.durationMs)}`,
  );
  const width = Math.max(...report.results.map((r) => r.id.length));
  const section = (title: string, results: readonly CheckResult[]): void => {
    if (results.length === 0) return;
    out.push('', title);
    for (const r of results) {
      const mark = r.ok ? '✓' : '✗';
      if (r.kind === 'built-in') out.push(`  ${mark} ${r.id.padEnd(width)}  ${r.detail}`);
      else {
        out.push(`  ${mark} ${r.id.padEnd(width)}  ${r.claim === r.id ? `(${r.kind})` : r.claim}`);
        out.push(`      ${r.kind}: ${r.detail}`);
      }
      for (const line of r.lines) out.push(`      ${line}`);
    }
  };
  section(
    'Built-in invariants',
    report.results.filter((r) => r.kind === 'built-in'),
  );
  section(
    'Author properties',
    report.results.filter((r) => r.kind !== 'built-in'),
  );
  for (const r of report.results) {
    if (!r.counterexample) continue;
    out.push('', `Counterexample for ${r.id}:`);
    const log = written.get(r.id)?.log;
    for (const line of counterexampleStory(r.counterexample, log === undefined ? {} : { log }))
      out.push(line === '' ? '' : `  ${line}`);
  }
  const failed = report.results.filter((r) => !r.ok);
  out.push(
    '',
    failed.length === 0
      ? `All ${report.results.length} properties hold.`
      : `FAILED: ${failed.length} of ${report.results.length} properties (${failed.map((r) => r.id).join(', ')}).`,
  );
  return `${out.join('\n')}\n`;
}

/** The report as plain JSON (for `--json`). */
export function reportJson(report: CheckReport, written: ReadonlyMap<string, Written>): unknown {
  return {
    scenario: report.scenario,
    title: report.title,
    ok: report.ok,
    seed: report.seed,
    runs: report.runs,
    guidedRuns: report.guidedRuns,
    states: report.states,
    outcomes: report.outcomes,
    durationMs: Math.round(report.durationMs),
    results: report.results.map((r) => ({
      id: r.id,
      kind: r.kind,
      claim: r.claim,
      ok: r.ok,
      detail: r.detail,
      lines: r.lines,
      ...(r.counterexample
        ? {
            counterexample: {
              seed: r.counterexample.seed,
              ...(r.counterexample.assuming ? { assuming: r.counterexample.assuming } : {}),
              choices: r.counterexample.choices,
              decisions: decisionsOf(r.counterexample.commands, r.counterexample.turns),
              commands: r.counterexample.commands.length,
              ...(r.counterexample.failingCommand
                ? { failingCommand: r.counterexample.failingCommand }
                : {}),
              ...(r.counterexample.state ? { state: r.counterexample.state } : {}),
              why: r.counterexample.why,
              shrink: r.counterexample.shrink,
              ...(written.get(r.id) ? { written: written.get(r.id) } : {}),
            },
          }
        : {}),
    })),
  };
}
