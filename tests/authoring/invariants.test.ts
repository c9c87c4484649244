/**
 * The per-state checks behind `ttx check`'s built-in invariants can fail: a corrupted state
 * is reported in words, a stuck stage is told from one that merely ran out of time.
 */
import { describe, expect, it } from 'vitest';
import { createSession, step, type Command, type SessionState } from '../../engine/index.js';
import { findDeadEnd, sameState, stateProblems } from '../../src/authoring/invariants.js';
import { runScenario } from '../../src/authoring/run.js';
import { allStages, expectedStages } from '../../src/authoring/stages.js';
import { loadScenario } from '../helpers/scenarios.js';

const island = loadScenario('tests/authoring/fixtures/island.yaml');

/** A finished run's state, as a mutable deep copy. */
function endState(seed: string): SessionState {
  return structuredClone(runScenario(island, { seed }).state);
}

/** The state when the force first waits for strategic lift. */
function atLift(scenario: typeof island, seed: string): SessionState | undefined {
  let s = createSession(scenario, seed);
  const go = (c: Command): void => {
    const r = step(s, c);
    if (r.ok) s = r.state;
  };
  go({ by: 'system', type: 'start' });
  while (s.status === 'running' && s.stage !== 'deployment.lift')
    go({ by: 'system', type: 'advance' });
  return s.stage === 'deployment.lift' ? s : undefined;
}

describe('built-in state checks', () => {
  it('find nothing wrong in the states of real runs', () => {
    for (let i = 0; i < 10; i++) {
      runScenario(island, {
        seed: String(i),
        onState: (s) => expect(stateProblems(s)).toEqual([]),
      });
    }
  });

  it('name every kind of illegal state', () => {
    const cases: [string, (s: SessionState) => void, RegExp][] = [
      [
        'factor out of range',
        (s) => (s.public.factors['security'] = 1.2),
        /factor 'security' is 1.2/,
      ],
      ['negative resource', (s) => (s.public.resources['cimicFunds'] = -1), /below 0/],
      ['unknown team', (s) => (s.teams['ghost'] = s.teams['arl']!), /undeclared team 'ghost'/],
      ['bad turn', (s) => (s.turn = 99), /turn 99 is outside/],
      ['unknown stage', (s) => (s.stage = 'mandate.limbo'), /not a stage/],
      ['status without outcome', (s) => (s.outcome = null), /does not match the outcome/],
      ['fired too often', (s) => (s.injects.fired['campFootage'] = 5), /at most 1/],
      ['unknown inject', (s) => (s.injects.fired['ghost'] = 1), /unknown inject 'ghost'/],
    ];
    for (const [what, corrupt, message] of cases) {
      const s = endState('3');
      corrupt(s);
      expect(stateProblems(s).join('\n'), what).toMatch(message);
    }
  });

  it('compare states by content', () => {
    const a = endState('4');
    const b = structuredClone(a);
    expect(sameState(a, b)).toBe(true);
    b.public.factors['security'] = (b.public.factors['security'] ?? 0) + 0.01;
    expect(sameState(a, b)).toBe(false);
  });

  it('tell a dead end from a stage that only needs time', () => {
    const moving = atLift(island, '4');
    const stuck = atLift({ ...island, deployment: { ...island.deployment, liftPerTurn: 0 } }, '4');
    expect(moving && stuck).toBeTruthy();
    expect(findDeadEnd(moving!)).toBeNull();
    expect(findDeadEnd(stuck!)).toMatchObject({ stage: 'deployment.lift' });
  });

  it('list the stages of the machines, and those a scenario can be in', () => {
    expect(allStages()).toContain('mandate.unsc.blocked');
    expect(allStages()).not.toContain('forceGeneration.activation');
    expect(expectedStages(island)).toContain('mandate.unsc.voting');
    expect(expectedStages({ ...island, unsc: undefined })).not.toContain('mandate.unsc.voting');
    expect(expectedStages({ ...island, nac: { ...island.nac, maxCirculations: 1 } })).not.toContain(
      'mandate.nac.broken',
    );
  });
});
