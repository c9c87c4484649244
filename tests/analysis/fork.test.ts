/**
 * Fork from a log: the futures of a recorded session at turn T reproduce its first T turns
 * exactly (the state at the start of turn T, and the factors at the start of turns 1 … T),
 * then diverge; the session's own decisions are replayed in every future, and alternative
 * decisions replace those of the teams they name.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { hashState, replay } from '../../engine/index.js';
import {
  forkPoint,
  loadSessionLog,
  replayLog,
  runFork,
  SessionLogError,
} from '../../src/analysis/index.js';
import { decisions, KOSOVO, tmp, TUTORIAL, writeLog } from './helpers.js';

const dir = tmp();
const kosovoLog = writeLog(KOSOVO, '7', dir);
const kosovo = replayLog(loadSessionLog(kosovoLog));
const endTurn = kosovo.final.outcome?.turn ?? 0;

/** A tutorial session in which Arland is played by its players. */
const humanLog = writeLog(
  TUTORIAL,
  '5',
  dir,
  decisions(`
human: [arl]
decisions:
  - { turn: 1, by: team:arl, type: draftResolution, chapter: VI }
  - { turn: 1, by: team:arl, type: castVote, vote: yes }
  - { turn: 2, by: team:arl, type: diplomacy, target: lunaris }
`),
  'human.jsonl',
);
const human = replayLog(loadSessionLog(humanLog));

describe('fork from a log', () => {
  test.prop([fc.integer({ min: 1, max: Math.max(1, endTurn - 1) })], { numRuns: 4 })(
    'every future reproduces the first T turns of the session exactly',
    async (atTurn) => {
      const point = forkPoint(kosovo, atTurn);
      // The fork state is the log's own state at the start of turn T…
      const prefix = kosovo.steps.slice(0, point.commands).map((s) => s.command);
      expect(hashState(point.state)).toBe(hashState(replay(kosovo.scenario, kosovo.seed, prefix)));
      expect(point.state.turn).toBe(atTurn);
      const r = await runFork({ session: kosovo, log: kosovoLog, atTurn, runs: 6, workers: 0 });
      expect(r.fork?.stateHash).toBe(hashState(point.state));
      // …and each future's factors at the start of turns 1 … T are the session's.
      const ids = Object.keys(kosovo.scenario.factors);
      const logged = kosovo.final.public.history
        .slice(0, atTurn)
        .flatMap((h) => ids.map((f) => h.factors[f]));
      const futures = await futuresOf(atTurn);
      for (const history of futures) expect(history.slice(0, atTurn * ids.length)).toEqual(logged);
      // The futures draw fresh numbers: they do not all replay the session.
      expect(new Set(futures.map((h) => h.join())).size).toBeGreaterThan(1);
      expect(r.stats.runs).toBe(6);
    },
  );

  test("the session's own decisions are replayed in every future", async () => {
    const point = forkPoint(human, 2);
    expect(point.own.decisions.map((d) => `${d.turn} ${d.by} ${d.type}`)).toEqual([
      '2 team:arl diplomacy',
    ]);
    const r = await runFork({ session: human, log: humanLog, atTurn: 2, runs: 20, workers: 0 });
    expect(r.decisions.human).toEqual(['arl']);
    expect(r.fork?.ownDecisions).toBe(1);
    expect(r.stats.rejectedDecisions).toBe(0);
    // Applied in every future: the feature is in every run, so it shows in no comparison.
    expect(r.stats.decisions.some((d) => d.id === 'scripted:0')).toBe(false);
  });

  test('alternative decisions replace those of the teams they name, on the same seeds', async () => {
    const alternative = decisions(`
decisions:
  - { turn: 2, by: team:arl, type: abandon }
`);
    const r = await runFork({
      session: human,
      log: humanLog,
      atTurn: 2,
      runs: 10,
      workers: 0,
      alternative,
    });
    expect(r.alternative?.decisions).toBe(1);
    // Arland may not abandon (only the alliance may): rejected in every future.
    expect(r.alternative?.stats.rejectedDecisions).toBe(10);
    // Arland vetoes its own draft: its logged decisions (including the diplomacy of turn 2)
    // are replaced by these two, in every future.
    const veto = decisions(`
decisions:
  - { turn: 1, by: team:arl, type: draftResolution, chapter: VI }
  - { turn: 1, by: team:arl, type: castVote, vote: no }
`);
    const v = await runFork({
      session: human,
      log: humanLog,
      atTurn: 1,
      runs: 10,
      workers: 0,
      alternative: veto,
    });
    expect(v.fork?.ownDecisions).toBe(3);
    expect(v.alternative?.decisions).toBe(2);
    expect(v.alternative?.stats.rejectedDecisions).toBe(0);
    expect(v.alternative?.stats.outcomes.success.count).toBe(0);
    expect(v.alternative?.successDifference.d).toBeLessThanOrEqual(0);
    expect(v.stats.runs).toBe(10);
  });

  test('a turn the session never started is refused with one line', () => {
    expect(() => forkPoint(kosovo, endTurn + 1)).toThrow(SessionLogError);
    expect(() => forkPoint(kosovo, 0)).toThrow(/whole number from 1/);
  });
});

/** The per-turn factor history of each future (own decisions). */
async function futuresOf(atTurn: number): Promise<number[][]> {
  const { runPlan } = await import('../../src/analysis/pool.js');
  const { sortScript } = await import('../../src/analysis/runner.js');
  const point = forkPoint(kosovo, atTurn);
  const [runs] = await runPlan(
    {
      variants: [
        {
          id: 'own',
          start: {
            scenario: kosovo.scenario,
            state: point.state,
            phasesBefore: point.phasesBefore,
          },
          script: sortScript(point.own.decisions),
          human: [],
          detail: true,
        },
      ],
      runs: 6,
      seed: 'f',
      onRejected: 'skip',
    },
    { workers: 0 },
  );
  if (!runs) throw new Error('no runs');
  return Array.from({ length: runs.length }, (_, i) => [...runs.record(i).history]);
}
