/**
 * Records the engine makes by the thousand, and a server keeps (the factor history, the
 * explanation of each resolution), share V8 hidden classes (see tests/helpers/hidden-class.ts).
 */
import { describe, expect, test } from 'vitest';
import {
  createSession,
  step,
  type Command,
  type EngineEvent,
  type SessionState,
} from '../../engine/index.js';
import { otherClasses, sameHiddenClass } from '../helpers/hidden-class.js';
import { bundledScenario } from '../helpers/scenarios.js';

/** The tutorial played to its end by pure steps (as a server plays it): lobbying, then the clock. */
function play(): { state: SessionState; events: EngineEvent[] } {
  let state = createSession(bundledScenario('tutorial'), 'hidden-classes');
  const events: EngineEvent[] = [];
  const apply = (command: Command): void => {
    const r = step(state, command);
    if (!r.ok) throw new Error(r.error.message);
    state = r.state;
    events.push(...r.events);
  };
  for (const team of ['alliance', 'arl', 'bor', 'cas']) {
    apply({ type: 'setControl', team, mode: 'human', by: 'facilitator' });
  }
  apply({ type: 'start', by: 'facilitator' });
  while (state.status !== 'ended') {
    apply({ type: 'diplomacy', target: 'bor', by: 'team:arl' });
    apply({ type: 'diplomacy', target: 'arl', by: 'team:cas' });
    apply({ type: 'advance', by: 'facilitator' });
  }
  return { state, events };
}

describe('hidden classes', () => {
  test('the check tells hidden classes apart', () => {
    expect(sameHiddenClass({ a: 1 }, { a: 2 })).toBe(true);
    expect(sameHiddenClass({ a: 1 }, { b: 2 })).toBe(false);
  });

  test('every entry of the factor history shares one hidden class', () => {
    const { state } = play();
    const factors = state.public.history.map((h) => h.factors);
    expect(factors.length).toBeGreaterThan(10);
    expect(otherClasses(factors)).toEqual([]);
  });

  test('every explanation of a rolled resolution shares one hidden class', () => {
    const explanations = play()
      .events.map((e) => e.explanation)
      .filter((x) => x?.roll !== undefined);
    expect(explanations.length).toBeGreaterThan(20);
    expect(otherClasses(explanations as object[])).toEqual([]);
  });
});
