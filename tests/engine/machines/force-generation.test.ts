/**
 * Force generation machine: every state node is reachable (xstate/graph), and random
 * sequences of pledge-round events follow an independent model of the sourcing rules.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import {
  forceGenerationMachine,
  type ForceGenerationEvent,
} from '../../../engine/machines/force-generation.js';
import { coverage, label, Tally } from './helpers.js';

type Snap = SnapshotFrom<typeof forceGenerationMachine>;

const start = (maxRounds: number): Snap =>
  initialTransition(forceGenerationMachine, { maxRounds })[0];
const step = (s: Snap, e: ForceGenerationEvent): Snap =>
  transition(forceGenerationMachine, s, e)[0];

const SAMPLE_EVENTS: ForceGenerationEvent[] = [
  { type: 'ACTIVATE' },
  { type: 'CLOSE_ROUND', gaps: 0, criticalGaps: 0 },
  { type: 'CLOSE_ROUND', gaps: 3, criticalGaps: 0 },
  { type: 'CLOSE_ROUND', gaps: 3, criticalGaps: 1 },
  { type: 'REASK' },
  { type: 'ACCEPT_GAPS' },
  { type: 'ABANDON' },
  { type: 'TRANSFER_AUTHORITY' },
];

describe('force generation: reachability (xstate/graph)', () => {
  it('reaches every leaf state node of the machine definition', () => {
    const paths = getShortestPaths(forceGenerationMachine, {
      input: { maxRounds: 2 },
      events: SAMPLE_EVENTS,
    });
    const cov = coverage(
      forceGenerationMachine,
      paths.map((p) => p.state.value),
    );
    expect(cov.unknown).toEqual([]);
    expect(cov.missing).toEqual([]);
    expect(cov.transient).toEqual([]);
    for (const p of paths) {
      expect(p.state.context.round).toBeLessThanOrEqual(2);
      expect(p.state.status).toBe(
        ['done', 'failed'].includes(label(p.state.value)) ? 'done' : 'active',
      );
    }
  });

  it('every simple path to `done` ends with a transfer of authority from toaReady', () => {
    const paths = getSimplePaths(forceGenerationMachine, {
      input: { maxRounds: 3 },
      events: SAMPLE_EVENTS,
      toState: (s) => label(s.value) === 'done',
    });
    expect(paths.length).toBeGreaterThan(3);
    for (const p of paths) {
      const last = p.steps.at(-1);
      const beforeLast = p.steps.at(-2);
      expect(last?.event.type).toBe('TRANSFER_AUTHORITY');
      expect(beforeLast && label(beforeLast.state.value)).toBe('toaReady');
      // No path accepts gaps while a critical slot is empty.
      for (let i = 1; i < p.steps.length; i++) {
        const ev = p.steps[i]?.event;
        const prev = p.steps[i - 1]?.state;
        if (ev?.type === 'ACCEPT_GAPS' && prev) expect(prev.context.criticalGaps).toBe(0);
      }
    }
  });
});

type At = 'activation' | 'pledging' | 'gapReview' | 'toaReady' | 'done' | 'failed';
interface Model {
  at: At;
  round: number;
  gaps: number;
  criticalGaps: number;
}

/** The sourcing rules, independent of the machine. */
function model(m: Model, e: ForceGenerationEvent, maxRounds: number): Model {
  switch (m.at) {
    case 'activation':
      return e.type === 'ACTIVATE' ? { ...m, at: 'pledging', round: 1 } : m;
    case 'pledging':
      if (e.type !== 'CLOSE_ROUND') return m;
      return e.gaps === 0
        ? { ...m, at: 'toaReady', gaps: 0, criticalGaps: 0 }
        : { ...m, at: 'gapReview', gaps: e.gaps, criticalGaps: e.criticalGaps };
    case 'gapReview':
      if (e.type === 'REASK' && m.round < maxRounds) {
        return { ...m, at: 'pledging', round: m.round + 1 };
      }
      if (e.type === 'ACCEPT_GAPS' && m.criticalGaps === 0) return { ...m, at: 'toaReady' };
      return e.type === 'ABANDON' ? { ...m, at: 'failed' } : m;
    case 'toaReady':
      return e.type === 'TRANSFER_AUTHORITY' ? { ...m, at: 'done' } : m;
    default:
      return m;
  }
}

/** A closing round: critical gaps are empty critical slots, so never more than the gaps. */
const closeRoundArb: fc.Arbitrary<ForceGenerationEvent> = fc
  .integer({ min: 0, max: 6 })
  .chain((gaps) =>
    fc
      .integer({ min: 0, max: Math.min(gaps, 3) })
      .map((criticalGaps): ForceGenerationEvent => ({ type: 'CLOSE_ROUND', gaps, criticalGaps })),
  );

const eventArb: fc.Arbitrary<ForceGenerationEvent> = fc.oneof(
  { weight: 4, arbitrary: closeRoundArb },
  { weight: 3, arbitrary: fc.constant<ForceGenerationEvent>({ type: 'REASK' }) },
  { weight: 2, arbitrary: fc.constant<ForceGenerationEvent>({ type: 'ACCEPT_GAPS' }) },
  { weight: 1, arbitrary: fc.constant<ForceGenerationEvent>({ type: 'ABANDON' }) },
  { weight: 1, arbitrary: fc.constant<ForceGenerationEvent>({ type: 'TRANSFER_AUTHORITY' }) },
  { weight: 1, arbitrary: fc.constant<ForceGenerationEvent>({ type: 'ACTIVATE' }) },
);

describe('force generation: sourcing rules (model-based)', () => {
  it('random rounds from pledging follow the model', () => {
    const tally = new Tally();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(eventArb, { minLength: 1, maxLength: 25 }),
        (maxRounds, events) => {
          let s = step(start(maxRounds), { type: 'ACTIVATE' });
          let m: Model = { at: 'pledging', round: 1, gaps: 0, criticalGaps: 0 };
          expect(label(s.value)).toBe('pledging');
          expect(s.context.round).toBe(1);
          for (const e of events) {
            const prev = m;
            const before = s;
            m = model(m, e, maxRounds);
            s = step(s, e);
            if (m === prev) expect(s).toBe(before);
            if (prev.at === 'pledging' && e.type === 'CLOSE_ROUND') {
              tally.hit(e.gaps === 0 ? 'cleanRound' : 'gappedRound');
            }
            if (prev.at === 'gapReview' && m === prev) tally.hit(`${e.type}Refused`);
            if (prev.at === 'gapReview' && m !== prev) tally.hit(`${e.type}Honoured`);
            if (prev.at !== m.at) tally.hit(m.at);
            expect(label(s.value)).toBe(m.at);
            expect(s.context).toEqual({ maxRounds, ...pick(m) });
            expect(s.context.round).toBeLessThanOrEqual(maxRounds);
            expect(s.status).toBe(m.at === 'done' || m.at === 'failed' ? 'done' : 'active');
          }
        },
      ),
      { numRuns: 200, seed: 42 }, // fixed seed: the coverage tally below must not hinge on luck
    );
    for (const k of [
      'cleanRound',
      'gappedRound',
      'REASKRefused',
      'REASKHonoured',
      'ACCEPT_GAPSRefused',
      'ACCEPT_GAPSHonoured',
      'done',
      'failed',
    ]) {
      expect(tally.get(k), k).toBeGreaterThan(0);
    }
  });

  it('REASK is honoured exactly maxRounds − 1 times', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), (maxRounds) => {
        let s = step(start(maxRounds), { type: 'ACTIVATE' });
        let honoured = 0;
        for (let i = 0; i < maxRounds + 2; i++) {
          s = step(s, { type: 'CLOSE_ROUND', gaps: 2, criticalGaps: 1 });
          expect(label(s.value)).toBe('gapReview');
          const next = step(s, { type: 'REASK' });
          if (next === s) break;
          honoured++;
          expect(next.context.round).toBe(s.context.round + 1);
          s = next;
        }
        expect(honoured).toBe(maxRounds - 1);
        // Out of rounds with a critical gap: neither re-ask nor accept, only abandon.
        expect(step(s, { type: 'ACCEPT_GAPS' })).toBe(s);
        expect(label(step(s, { type: 'ABANDON' }).value)).toBe('failed');
      }),
      { numRuns: 30 },
    );
  });

  it('TRANSFER_AUTHORITY moves only from toaReady', () => {
    const ready = step(step(start(2), { type: 'ACTIVATE' }), {
      type: 'CLOSE_ROUND',
      gaps: 0,
      criticalGaps: 0,
    });
    expect(label(ready.value)).toBe('toaReady');
    const done = step(ready, { type: 'TRANSFER_AUTHORITY' });
    expect(label(done.value)).toBe('done');
    expect(done.status).toBe('done');
    const notReady = [
      start(2),
      step(start(2), { type: 'ACTIVATE' }),
      step(step(start(2), { type: 'ACTIVATE' }), { type: 'CLOSE_ROUND', gaps: 1, criticalGaps: 0 }),
    ];
    for (const s of notReady) expect(step(s, { type: 'TRANSFER_AUTHORITY' })).toBe(s);
  });
});

function pick(m: Model): Omit<Model, 'at'> {
  return { round: m.round, gaps: m.gaps, criticalGaps: m.criticalGaps };
}
