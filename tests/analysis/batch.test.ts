/**
 * Batches: identical results whatever the number of worker threads; the runner reaches the
 * states `ttx run` reaches; confidence intervals shrink with N.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { hashState } from '../../engine/index.js';
import { BatchThreads, runBatch, type BatchReport } from '../../src/analysis/index.js';
import { chunksOf } from '../../src/analysis/plan.js';
import { resolutionsOf, runToEnd, sortScript } from '../../src/analysis/runner.js';
import { wilson } from '../../src/analysis/stats.js';
import { playScenario } from '../../src/run/headless.js';
import { decisions, KOSOVO, scenarioOf, TUTORIAL } from './helpers.js';

/** Everything but how it ran. */
const results = (r: BatchReport): string => JSON.stringify({ ...r, meta: null });

describe('batch results do not depend on the worker threads', () => {
  test('in this thread, 1 worker and 2 workers give identical results, sweeps included', async () => {
    const { scenario } = scenarioOf(TUTORIAL);
    const options = {
      scenario,
      runs: 48,
      seed: 'k',
      vary: [{ factor: 'security', low: 0.2, high: 0.8, steps: 3 }],
    };
    const inThread = await runBatch({ ...options, workers: 0 });
    const one = await runBatch({ ...options, workers: 1 });
    const two = await runBatch({ ...options, workers: 2 });
    expect(results(one)).toBe(results(inThread));
    expect(results(two)).toBe(results(inThread));
    expect(inThread.stats.runs).toBe(48);
    expect(two.meta.workers).toBe(2);
  });

  test('Kosovo on 3 workers matches this thread, injects and decisions included', async () => {
    const { scenario } = scenarioOf(KOSOVO);
    const a = await runBatch({ scenario, runs: 30, workers: 0 });
    const b = await runBatch({ scenario, runs: 30, workers: 3 });
    expect(results(b)).toBe(results(a));
    expect(a.stats.injects.some((i) => i.resolved > 0)).toBe(true);
  });
});

describe('threads started ahead of the batch', () => {
  test('give the same results as threads the batch starts, and close without harm unused', async () => {
    const { scenario } = scenarioOf(TUTORIAL);
    const early = new BatchThreads(2);
    const pre = await runBatch({ scenario, runs: 40, seed: 'p', threads: early });
    const plain = await runBatch({ scenario, runs: 40, seed: 'p', workers: 0 });
    expect(results(pre)).toBe(results(plain));
    expect(pre.meta.workers).toBe(2);
    // A caller that gives up before its batch (a bad scenario file) just closes them.
    await new BatchThreads(1).close();
  });

  test.prop([fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 6 })], { numRuns: 60 })(
    'chunks cover every run of every variant once, in order, shrinking towards the end',
    (runs, variants) => {
      const plan = {
        variants: Array.from({ length: variants }, () => null),
        runs,
      } as unknown as Parameters<typeof chunksOf>[0];
      const chunks = chunksOf(plan);
      let expected = { variant: 0, from: 0 };
      let last = Infinity;
      for (const c of chunks) {
        expect(c.variant).toBe(expected.variant);
        expect(c.from).toBe(expected.from);
        expect(c.to).toBeGreaterThan(c.from);
        expect(c.to - c.from).toBeLessThanOrEqual(250);
        // Sizes never grow, except where a variant's last chunk was cut short by its end.
        if (c.from > 0) expect(c.to - c.from).toBeLessThanOrEqual(last);
        last = c.to - c.from;
        expected =
          c.to === runs ? { variant: c.variant + 1, from: 0 } : { variant: c.variant, from: c.to };
      }
      expect(expected).toEqual({ variant: variants, from: 0 });
    },
  );
});

describe('the batch runner', () => {
  test('reaches the same state as ttx run for the same seed, and counts every inject resolution', () => {
    const { scenario } = scenarioOf(KOSOVO);
    for (const seed of ['1:0', '1:1', '7']) {
      const { state, record } = runToEnd({ scenario }, 0, seed, [], {
        onRejected: 'skip',
        detail: true,
      });
      const run = playScenario(scenario, seed);
      expect(hashState(state)).toBe(hashState(run.state));
      expect(record.endTurn).toBe(run.state.outcome?.turn);
      // Every inject resolution ttx run reports is in the record, with its outcome.
      const resolved = run.events
        .filter((e) => e.kind === 'resolution' && scenario.events.some((d) => d.id === e.subject))
        .map((e) => ({ event: e.subject, success: e.explanation?.outcome === 'success' }));
      expect(
        resolutionsOf(scenario, record).map((x) => ({ event: x.event, success: x.success })),
      ).toEqual(resolved);
    }
  });

  test('plays scripted decisions like ttx run --decisions', () => {
    const { scenario } = scenarioOf(TUTORIAL);
    const d = decisions(`
human: [arl]
decisions:
  - { turn: 1, by: team:arl, type: draftResolution, chapter: VI }
  - { turn: 1, by: team:arl, type: castVote, vote: yes }
`);
    const { state } = runToEnd({ scenario }, 0, '3', sortScript(d.decisions), {
      human: d.human,
      onRejected: 'throw',
      detail: false,
    });
    expect(hashState(state)).toBe(hashState(playScenario(scenario, '3', { decisions: d }).state));
  });
});

describe('confidence intervals', () => {
  test.prop([
    fc.integer({ min: 0, max: 100 }),
    fc.integer({ min: 1, max: 200 }),
    fc.integer({ min: 2, max: 50 }),
  ])(
    'the Wilson interval of the same share narrows as N grows, and holds the share',
    (pct, n, factor) => {
      const k = Math.round((pct / 100) * n);
      const [lo, hi] = wilson(k, n);
      const [lo2, hi2] = wilson(k * factor, n * factor);
      expect(hi2 - lo2).toBeLessThan(hi - lo);
      expect(lo).toBeLessThanOrEqual(k / n + 1e-9);
      expect(hi).toBeGreaterThanOrEqual(k / n - 1e-9);
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
    },
  );

  test('batch intervals shrink with the number of runs', async () => {
    const { scenario } = scenarioOf(TUTORIAL);
    const widths: number[] = [];
    for (const runs of [40, 160, 640]) {
      const r = await runBatch({ scenario, runs, workers: 0 });
      for (const k of ['success', 'partial', 'failure'] as const) {
        const [lo, hi] = r.stats.outcomes[k].ci;
        expect(lo).toBeLessThanOrEqual(r.stats.outcomes[k].p);
        expect(hi).toBeGreaterThanOrEqual(r.stats.outcomes[k].p);
      }
      const [lo, hi] = r.stats.outcomes.failure.ci;
      widths.push(hi - lo);
    }
    expect(widths[1]).toBeLessThan(widths[0] ?? 0);
    expect(widths[2]).toBeLessThan(widths[1] ?? 0);
    // Roughly 1/√N: four times the runs, about half the width.
    expect((widths[2] ?? 0) / (widths[0] ?? 1)).toBeLessThan(0.35);
  });
});
