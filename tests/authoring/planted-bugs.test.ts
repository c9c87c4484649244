/**
 * Planted bugs: each test breaks a copy of a healthy scenario in one way and shows that
 * `ttx check` catches it, shrinks the failing run, and writes a counterexample log that
 * `ttx replay` reproduces to the very same failing state (same state hash).
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay, type Scenario, type SessionState } from '../../engine/index.js';
import { checkScenario, type CheckReport, type Counterexample } from '../../src/authoring/check.js';
import { counterexamplePath, writeCounterexample } from '../../src/authoring/counterexample.js';
import { runScenario } from '../../src/authoring/run.js';
import { decisionsOf } from '../../src/authoring/story.js';
import { ttx } from '../helpers/cli.js';
import { formatIssue, loadScenarioFile } from '../../src/scenario/load.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'island.yaml');
const base = readFileSync(FIXTURE, 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'ttx-planted-'));
const RUNS = 100;

interface Planted {
  readonly file: string;
  readonly hash: string;
  readonly scenario: Scenario;
}

/** Writes a copy of the fixture with `edit` applied (which must change it) and loads it. */
function plant(name: string, edit: (text: string) => string): Planted {
  const text = edit(base);
  expect(text).not.toBe(base);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  const r = loadScenarioFile(file);
  if (!r.ok) throw new Error(r.errors.map(formatIssue).join('\n'));
  return { file, hash: r.hash, scenario: r.scenario };
}

function failing(report: CheckReport, id: string): Counterexample {
  const r = report.results.find((x) => x.id === id);
  expect(r, `result ${id}`).toBeDefined();
  expect(r?.ok).toBe(false);
  expect(r?.counterexample).toBeDefined();
  return r!.counterexample!;
}

/**
 * Writes the counterexample, replays it with `ttx replay`, and returns the state it reaches
 * (after checking that `ttx replay` verified the recorded hash).
 */
async function replaysExactly(p: Planted, cx: Counterexample, id: string): Promise<SessionState> {
  const log = counterexamplePath(p.file, id);
  writeCounterexample(cx, log, { file: p.file, hash: p.hash });
  const r = await ttx('replay', log, '--json');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const summary = JSON.parse(r.out) as { stateHash: string; verified: boolean };
  expect(summary.verified).toBe(true);
  expect(summary.stateHash).toBe(cx.state?.hash);
  return replay(cx.scenario, cx.seed, cx.commands);
}

/** The shrunk run is no bigger than the one first found (fast-check never grows a tape). */
function expectShrunk(cx: Counterexample): void {
  expect(cx.choices.length).toBeLessThanOrEqual(cx.shrink.from.choices);
  expect(decisionsOf(cx.commands, cx.turns).length).toBeLessThanOrEqual(cx.shrink.from.choices);
}

describe('ttx check catches planted bugs', { timeout: 60_000 }, () => {
  it('the healthy fixture passes', async () => {
    const report = await checkScenario(plant('healthy', (t) => `${t}\n`).scenario, { runs: RUNS });
    expect(report.results.filter((r) => !r.ok).map((r) => r.id)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('a dead end: no strategic lift, so the force never leaves home', async () => {
    const p = plant('dead-end', (t) => t.replace('liftPerTurn: 4', 'liftPerTurn: 0'));
    const cx = failing(await checkScenario(p.scenario, { runs: RUNS }), 'no-dead-end');
    expectShrunk(cx);
    expect(cx.why.join(' ')).toMatch(/sat in deployment\.lift/);
    // Shrunk to the default policies alone: no decision is needed to get stuck.
    expect(decisionsOf(cx.commands, cx.turns)).toEqual([]);
    const end = await replaysExactly(p, cx, 'no-dead-end');
    expect(end.outcome?.result).toBe('failure');
    expect(end.public.units.total).toBeGreaterThan(0);
    expect(end.public.units.deployed).toBe(0);
  });

  it('an event that never fires: its trigger waits for funds that never come', async () => {
    const p = plant('never-fires', (t) =>
      t.replace(
        /\nendConditions:/,
        `
  - id: donorConference
    title: Donors pledge reconstruction money
    kind: political
    trigger:
      when: [{ resource: cimicFunds, atLeast: 60 }]
    effects:
      always: { factors: { localTrust: 0.05 } }
endConditions:`,
      ),
    );
    const report = await checkScenario(p.scenario, { runs: RUNS });
    const coverage = report.results.find((r) => r.id === 'coverage');
    expect(coverage?.lines.join('\n')).toMatch(/event 'donorConference' never fired; closest run/);
    const cx = failing(report, 'coverage');
    expectShrunk(cx);
    expect(cx.why.join(' ')).toMatch(/resource cimicFunds \d+ \(needs ≥ 60\) ✗/);
    const closest = await replaysExactly(p, cx, 'coverage');
    expect(closest.injects.fired['donorConference']).toBeUndefined();
    // The closest run got the most funds any run got: more than it started with.
    expect(closest.public.resources['cimicFunds']).toBeGreaterThan(20);
  });

  it('an invariant broken only on some seeds', async () => {
    const floor = `
  - id: logisticsFloor
    claim: Logistics never fall below 0.42
    invariant:
      always: [{ factor: logistics, atLeast: 0.42 }]
`;
    const p = plant('some-seeds', (t) => t.replace('\nproperties:\n', `\nproperties:${floor}`));
    // On default policies alone, some seeds keep the claim and others break it.
    const broken = Array.from({ length: 30 }, (_, i) => {
      let low = false;
      runScenario(p.scenario, {
        seed: String(i),
        onState: (s) => {
          low ||= (s.public.factors['logistics'] ?? 1) < 0.42;
        },
      });
      return low;
    });
    expect(broken).toContain(true);
    expect(broken).toContain(false);
    const cx = failing(await checkScenario(p.scenario, { runs: RUNS }), 'logisticsFloor');
    expectShrunk(cx);
    expect(cx.shrink.steps).toBeGreaterThan(0);
    expect(cx.why.join(' ')).toMatch(/logistics 0\.\d+ \(needs ≥ 0\.42\) ✗/);
    const at = await replaysExactly(p, cx, 'logisticsFloor');
    expect(at.public.factors['logistics']).toBeLessThan(0.42);
    // It is the first state that breaks it: one command fewer still holds.
    const before = replay(cx.scenario, cx.seed, cx.commands.slice(0, -1));
    expect(before.public.factors['logistics']).toBeGreaterThanOrEqual(0.42);
  });

  it('an unreachable success: the end state asks for funds nobody can raise', async () => {
    const p = plant('no-success', (t) =>
      t.replace(
        '      - factor: localTrust\n        atLeast: 0.55\n',
        '      - factor: localTrust\n        atLeast: 0.55\n      - resource: cimicFunds\n        atLeast: 500\n',
      ),
    );
    const report = await checkScenario(p.scenario, { runs: RUNS });
    const cx = failing(report, 'canSucceed');
    expect(report.results.find((r) => r.id === 'coverage')?.lines.join('\n')).toMatch(
      /phase state ended\.success never reached/,
    );
    expectShrunk(cx);
    expect(cx.why.join(' ')).toMatch(/needs success\) ✗/);
    const closest = await replaysExactly(p, cx, 'canSucceed');
    expect(closest.outcome?.result).not.toBe('success');
  });

  it('a false statistical claim', async () => {
    const claim = `
  - id: usuallyWins
    claim: The mission succeeds in at least 90% of exercises
    statistic:
      ending: [{ outcome: success }]
      atLeast: 0.9
      runs: 100
`;
    const p = plant('false-claim', (t) => t.replace('\nproperties:\n', `\nproperties:${claim}`));
    const report = await checkScenario(p.scenario, { runs: 20, guidedRuns: 0 });
    const result = report.results.find((r) => r.id === 'usuallyWins');
    expect(result?.detail).toMatch(/% of 100 seeds \(95% CI/);
    const cx = failing(report, 'usuallyWins');
    // The smallest sampled seed whose run goes against the claim.
    expect(cx.shrink.note).toMatch(/smallest of the sampled seeds/);
    expect(Number(cx.seed)).toBeLessThan(100);
    for (let i = 0; i < Number(cx.seed); i++) {
      expect(runScenario(p.scenario, { seed: String(i) }).outcome?.result).toBe('success');
    }
    const end = await replaysExactly(p, cx, 'usuallyWins');
    expect(end.outcome?.result).not.toBe('success');
  });
});

describe('ttx check with worker threads', { timeout: 60_000 }, () => {
  it('reports the same findings and counterexamples as one thread', async () => {
    const p = plant('threads', (t) =>
      t.replace(
        '\nproperties:\n',
        '\nproperties:\n  - id: logisticsHigh\n    invariant:\n      always: [{ factor: logistics, atLeast: 0.45 }]\n',
      ),
    );
    const options = { runs: 60, guidedRuns: 10, shrinkBudget: 100 };
    const one = await checkScenario(p.scenario, options);
    const two = await checkScenario(p.scenario, { ...options, workers: 2 });
    const strip = ({ durationMs: _ignored, ...rest }: CheckReport): unknown => rest;
    expect(strip(two)).toEqual(strip(one));
    expect(one.ok).toBe(false);
  });
});

describe('ttx check on the command line', { timeout: 60_000 }, () => {
  it('exits 1, writes <scenario>.counterexample.jsonl, and ttx replay reproduces it', async () => {
    const p = plant('cli-some-seeds', (t) =>
      t.replace(
        '\nproperties:\n',
        `\nproperties:\n  - id: logisticsHigh\n    invariant:\n      always: [{ factor: logistics, atLeast: 0.45 }]\n`,
      ),
    );
    const r = await ttx('check', p.file, '--runs', '40');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗ logisticsHigh/);
    expect(r.out).toMatch(/Counterexample for logisticsHigh:/);
    expect(r.out).toMatch(/Failing state: turn \d+/);
    const log = join(dir, 'cli-some-seeds.counterexample.jsonl');
    expect(r.out).toContain(`Replay it: ttx replay ${log}`);
    expect(existsSync(log)).toBe(true);
    const again = await ttx('replay', log);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/Replay verified: the state hash matches the log\./);
  });

  it('exits 0 on a scenario whose properties hold; --json gives the report', async () => {
    const r = await ttx('check', FIXTURE, '--runs', '60', '--json', '--no-write');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { ok: boolean; results: { id: string; ok: boolean }[] };
    expect(report.ok).toBe(true);
    expect(report.results.map((x) => x.id)).toEqual([
      'terminates',
      'no-exception',
      'legal-state',
      'deterministic',
      'save-restore',
      'coverage',
      'no-dead-end',
      'canSucceed',
      'fundsDuringMandate',
      'mostlyNoCollapse',
    ]);
  });

  it('rejects a bad --runs with a usage error', async () => {
    const r = await ttx('check', FIXTURE, '--runs', 'many');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--runs/);
  });
});
