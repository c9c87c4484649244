/**
 * Copy-on-step (engine/fork.ts): a pure step returns a deeply frozen state, leaves the old
 * one exactly as it was, and shares every entry it did not change — which is what keeps
 * steps, and the server's view diffs, cheap.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { canonicalJson, replay, step, type SessionState } from '../../engine/index.js';
import { playChoices } from '../../src/run/random-play.js';
import { bundledScenario } from '../helpers/scenarios.js';

const scenario = bundledScenario('kosovo-1999');

/** True if every object inside `values` is frozen. */
function deeplyFrozen(values: readonly unknown[]): boolean {
  return values.every(
    (v) =>
      v === null || typeof v !== 'object' || (Object.isFrozen(v) && deeplyFrozen(Object.values(v))),
  );
}

/** The entries of a record partition that are equal in value before and after. */
function unchangedEntries(before: object, after: object): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return Object.keys(b).filter(
    (k) => Object.hasOwn(a, k) && canonicalJson(a[k]) === canonicalJson(b[k]),
  );
}

describe('copy-on-step', () => {
  test.prop([fc.string({ maxLength: 8 }), fc.array(fc.nat({ max: 2 ** 20 }), { maxLength: 80 })], {
    numRuns: 12,
  })(
    'every step freezes its state, keeps the old one, and shares what it left alone',
    (seed, tape) => {
      const { commands } = playChoices(scenario, seed, tape);
      let state: SessionState = replay(scenario, seed, []);
      for (const command of commands) {
        const before = canonicalJson(state);
        const r = step(state, command);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(canonicalJson(state)).toBe(before);
        const { scenario: _scenario, ...parts } = r.state;
        expect(Object.isFrozen(r.state) && deeplyFrozen(Object.values(parts))).toBe(true);
        const pairs: [object, object][] = [
          [r.state.teams, state.teams],
          [r.state.public, state.public],
          [r.state.force.contingents, state.force.contingents],
          [r.state.control, state.control],
          [r.state.injects, state.injects],
          [r.state.injects.active, state.injects.active],
        ];
        // Within a team, too: its fields, and its units'.
        for (const [id, next] of Object.entries(r.state.teams)) {
          const prev = state.teams[id];
          if (prev) pairs.push([next, prev], [next.units, prev.units]);
        }
        for (const [next, prev] of pairs) {
          const unchanged = unchangedEntries(prev, next);
          for (const k of unchanged) {
            const same =
              (next as Record<string, unknown>)[k] === (prev as Record<string, unknown>)[k];
            // Scalars compare equal anyway; objects must be the very same (shared) object.
            expect(same).toBe(true);
          }
          // A partition equal throughout is the previous one itself.
          const keys = [Object.keys(prev).length, Object.keys(next).length];
          if (keys.every((n) => n === unchanged.length)) expect(next).toBe(prev);
        }
        state = r.state;
      }
    },
  );
});
