/**
 * The engine's generator continues seedrandom's Alea exactly: the same numbers to the bit,
 * however a sequence is split into steps (each step restores the state the last one left).
 */
import { fc, test } from '@fast-check/vitest';
import seedrandom from 'seedrandom';
import { describe, expect } from 'vitest';
import { Rng, seedRng } from '../../engine/rng.js';

describe('the engine PRNG', () => {
  test.prop([fc.string({ maxLength: 20 }), fc.array(fc.nat({ max: 40 }), { maxLength: 30 })], {
    numRuns: 200,
  })('draws what seedrandom.alea draws, step after step', (seed, steps) => {
    const reference = seedrandom.alea(seed);
    let state = seedRng(seed);
    for (const draws of steps) {
      const rng = new Rng(state);
      for (let i = 0; i < draws; i++) expect(rng.next()).toBe(reference());
      expect(rng.used).toBe(draws > 0);
      state = rng.state();
    }
  });
});
