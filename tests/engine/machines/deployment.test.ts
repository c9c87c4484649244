/**
 * Deployment machine: every state node is reachable (xstate/graph), and random RSOM progress
 * reports never give full operating capability early: IOC needs the IOC share of the force
 * through RSOM, FOC needs IOC and nothing remaining.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { deploymentMachine, type DeploymentEvent } from '../../../engine/machines/deployment.js';
import { coverage, label, Tally } from './helpers.js';

type Snap = SnapshotFrom<typeof deploymentMachine>;

const start = (iocFraction: number): Snap =>
  initialTransition(deploymentMachine, { iocFraction })[0];
const step = (s: Snap, e: DeploymentEvent): Snap => transition(deploymentMachine, s, e)[0];
const rsom = (deployedFraction: number, remaining: number): DeploymentEvent => ({
  type: 'RSOM_PROGRESS',
  deployedFraction,
  remaining,
});

const ORDER = ['lift', 'ioc', 'operations', 'transition', 'redeployment', 'complete'] as const;

describe('deployment: reachability (xstate/graph)', () => {
  it('reaches every leaf state node of the machine definition', () => {
    const paths = getShortestPaths(deploymentMachine, {
      input: { iocFraction: 0.5 },
      events: [
        rsom(0.3, 3),
        rsom(0.3, 0),
        rsom(0.6, 3),
        rsom(1, 0),
        { type: 'CONDITIONS_MET' },
        { type: 'HANDOVER_COMPLETE' },
        { type: 'REDEPLOYED' },
      ],
    });
    const cov = coverage(
      deploymentMachine,
      paths.map((p) => p.state.value),
    );
    expect(cov.unknown).toEqual([]);
    expect(cov.missing).toEqual([]);
    expect(cov.transient).toEqual([]);
    // The shortest way to FOC: one report at/above IOC, then one with nothing remaining.
    const toOps = paths.find((p) => label(p.state.value) === 'operations');
    const events = toOps?.steps.slice(1).map((st) => st.event) ?? [];
    expect(events).toHaveLength(2);
    const [first, second] = events;
    expect(first?.type === 'RSOM_PROGRESS' && first.deployedFraction >= 0.5).toBe(true);
    expect(second?.type === 'RSOM_PROGRESS' && second.remaining === 0).toBe(true);
  });
});

type At = (typeof ORDER)[number];

function model(at: At, e: DeploymentEvent, iocFraction: number): At {
  switch (e.type) {
    case 'RSOM_PROGRESS':
      if (at === 'lift') return e.deployedFraction >= iocFraction ? 'ioc' : at;
      if (at === 'ioc') return e.remaining === 0 ? 'operations' : at;
      return at;
    case 'CONDITIONS_MET':
      return at === 'operations' ? 'transition' : at;
    case 'HANDOVER_COMPLETE':
      return at === 'transition' ? 'redeployment' : at;
    case 'REDEPLOYED':
      return at === 'redeployment' ? 'complete' : at;
  }
}

/** Fractions on a 1/20 grid so that exact equality with iocFraction happens often. */
const fractionArb = fc.integer({ min: 0, max: 20 }).map((k) => k / 20);
const progressArb = fc
  .tuple(fractionArb, fc.integer({ min: 0, max: 3 }))
  .map(([f, r]) => rsom(f, r));
const eventArb: fc.Arbitrary<DeploymentEvent> = fc.oneof(
  { weight: 6, arbitrary: progressArb },
  { weight: 1, arbitrary: fc.constant<DeploymentEvent>({ type: 'CONDITIONS_MET' }) },
  { weight: 1, arbitrary: fc.constant<DeploymentEvent>({ type: 'HANDOVER_COMPLETE' }) },
  { weight: 1, arbitrary: fc.constant<DeploymentEvent>({ type: 'REDEPLOYED' }) },
);

describe('deployment: RSOM and operating capability (model-based)', () => {
  it('random progress reports follow the model; no FOC while units remain', () => {
    const tally = new Tally();
    fc.assert(
      fc.property(
        fractionArb.filter((f) => f > 0),
        fc.array(eventArb, { minLength: 1, maxLength: 25 }),
        (iocFraction, events) => {
          let s = start(iocFraction);
          let at: At = 'lift';
          let seenIoc = false;
          for (const e of events) {
            const before = s;
            const prev: At = at;
            at = model(at, e, iocFraction);
            s = step(s, e);
            expect(label(s.value)).toBe(at);
            if (at === prev) expect(s).toBe(before);
            if (prev === 'lift' && at === 'ioc') {
              tally.hit(
                e.type === 'RSOM_PROGRESS' && e.deployedFraction === iocFraction
                  ? 'iocExact'
                  : 'ioc',
              );
              expect(e.type === 'RSOM_PROGRESS' && e.deployedFraction >= iocFraction).toBe(true);
            }
            if (prev === 'lift' && e.type === 'RSOM_PROGRESS' && e.remaining === 0) {
              // Nothing remaining in lift is not FOC: IOC comes first.
              tally.hit('completeInLift');
              expect(at).not.toBe('operations');
            }
            if (prev !== 'operations' && at === 'operations') {
              tally.hit('foc');
              expect(seenIoc).toBe(true);
              expect(e.type === 'RSOM_PROGRESS' && e.remaining === 0).toBe(true);
            }
            if (prev === 'ioc' && e.type === 'RSOM_PROGRESS' && e.remaining > 0) {
              tally.hit('notYetFoc');
              expect(at).toBe('ioc');
            }
            if (at === 'ioc') seenIoc = true;
            // Phases only move forward, one at a time.
            expect(ORDER.indexOf(at) - ORDER.indexOf(prev)).toBeGreaterThanOrEqual(0);
            expect(ORDER.indexOf(at) - ORDER.indexOf(prev)).toBeLessThanOrEqual(1);
            expect(s.status).toBe(at === 'complete' ? 'done' : 'active');
            expect(s.context).toEqual({ iocFraction });
          }
        },
      ),
      { numRuns: 200, seed: 42 }, // fixed seed: the coverage tally below must not hinge on luck
    );
    for (const k of ['ioc', 'iocExact', 'completeInLift', 'foc', 'notYetFoc']) {
      expect(tally.get(k), k).toBeGreaterThan(0);
    }
  });

  it('a realistic build-up, reported as the engine does, reaches FOC the turn the last unit arrives', () => {
    // engine/turn.ts reports progress while in lift, then once more in the same turn when in
    // ioc with nothing remaining; the machine needs both reports to get from lift to FOC.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fractionArb.filter((f) => f > 0),
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 40 }),
        (total, iocFraction, arrivals) => {
          let s = start(iocFraction);
          let deployed = 0;
          for (const arriving of arrivals) {
            deployed = Math.min(total, deployed + arriving);
            const report = rsom(deployed / total, total - deployed);
            const before = label(s.value);
            if (before === 'lift') s = step(s, report);
            if (label(s.value) === 'ioc' && total - deployed === 0) s = step(s, report);
            const after = label(s.value);
            if (deployed / total >= iocFraction) expect(after).not.toBe('lift');
            else expect(after).toBe('lift');
            expect(after === 'operations').toBe(deployed === total);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('after FOC: conditions met → transition → handover → redeployment → complete (final)', () => {
    let s = step(step(start(0.5), rsom(0.5, 2)), rsom(1, 0));
    expect(label(s.value)).toBe('operations');
    const chain: [DeploymentEvent, At][] = [
      [{ type: 'CONDITIONS_MET' }, 'transition'],
      [{ type: 'HANDOVER_COMPLETE' }, 'redeployment'],
      [{ type: 'REDEPLOYED' }, 'complete'],
    ];
    for (const [e, to] of chain) {
      // Out-of-order events are ignored at every stage.
      for (const [other] of chain) if (other !== e) expect(step(s, other)).toBe(s);
      expect(step(s, rsom(1, 0))).toBe(s);
      s = step(s, e);
      expect(label(s.value)).toBe(to);
    }
    expect(s.status).toBe('done');
  });
});
