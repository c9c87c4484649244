import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { computeChance, CORE_FACTORS, explainText } from '../../engine/index.js';
import { resolve } from '../../engine/resolution.js';
import { Rng, seedRng } from '../../engine/rng.js';
import { bundled, loadScenario } from '../helpers/scenarios.js';

const unit = fc.double({ min: 0, max: 1, noNaN: true });
const factorNames = [...CORE_FACTORS];
const weights = fc.dictionary(
  fc.constantFrom(...factorNames),
  fc.double({ min: -2, max: 2, noNaN: true }),
);
const factors = fc.record(Object.fromEntries(factorNames.map((f) => [f, unit])));
const modifiers = fc.array(
  fc.record({ label: fc.string(), value: fc.double({ min: -0.5, max: 0.5, noNaN: true }) }),
  {
    maxLength: 3,
  },
);

describe('resolution formula', () => {
  test.prop([unit, weights, factors, modifiers, fc.constantFrom(...factorNames), unit])(
    'raising a factor whose weight is positive never lowers the chance (monotonicity)',
    (base, w, f, mods, factor, raise) => {
      fc.pre((w[factor] ?? 0) > 0);
      const before = computeChance({
        base,
        weights: w,
        factors: f,
        modifiers: mods,
        floor: 0.02,
        ceiling: 0.98,
      });
      const higher = Math.min(1, (f[factor] ?? 0) + raise);
      const after = computeChance({
        base,
        weights: w,
        factors: { ...f, [factor]: higher },
        modifiers: mods,
        floor: 0.02,
        ceiling: 0.98,
      });
      expect(after.chance).toBeGreaterThanOrEqual(before.chance);
    },
  );

  test.prop([unit, weights, factors, modifiers])(
    'the explanation adds up: chance = clamp(base + contributions + modifiers)',
    (base, w, f, mods) => {
      const e = computeChance({
        base,
        weights: w,
        factors: f,
        modifiers: mods,
        floor: 0.05,
        ceiling: 0.95,
      });
      const sum =
        e.base +
        e.contributions.reduce((n, c) => n + c.contribution, 0) +
        mods.reduce((n, m) => n + m.value, 0);
      expect(e.raw).toBeCloseTo(sum, 5);
      expect(e.chance).toBeCloseTo(Math.min(0.95, Math.max(0.05, sum)), 5);
      for (const c of e.contributions)
        expect(c.contribution).toBeCloseTo(c.weight * (c.value - 0.5), 5);
    },
  );

  test.prop([fc.string(), unit, weights, factors])(
    'success exactly when the roll is below the chance',
    (seed, base, w, f) => {
      const e = resolve(
        { base, weights: w, factors: f, floor: 0.02, ceiling: 0.98 },
        new Rng(seedRng(seed)),
      );
      expect(e.roll).toBeDefined();
      expect(e.outcome).toBe((e.roll ?? 1) < e.chance ? 'success' : 'failure');
      expect(explainText(e)).toContain(`roll ${(e.roll ?? 0).toFixed(2)}`);
    },
  );

  it('a facilitator override decides without a roll and says so', () => {
    const e = resolve(
      { base: 0.9, weights: {}, factors: {}, floor: 0, ceiling: 1 },
      new Rng(seedRng('x')),
      {
        outcome: 'failure',
        reason: 'the bridge was already down',
      },
    );
    expect(e.roll).toBeUndefined();
    expect(e.outcome).toBe('failure');
    expect(explainText(e)).toContain('facilitator ruled failure (the bridge was already down)');
  });

  it.each(bundled())('every resolution weight in $name keeps monotonicity', ({ file }) => {
    const sc = loadScenario(file);
    const defs = [
      ...sc.events.flatMap((e) => (e.resolution ? [e.resolution] : [])),
      ...Object.values(sc.actions),
    ];
    expect(defs.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(
        fc.constantFrom(...defs),
        factors,
        fc.constantFrom(...factorNames),
        unit,
        (def, f, factor, raise) => {
          const w = def.weights[factor] ?? 0;
          const input = {
            base: def.base,
            weights: def.weights,
            floor: sc.resolution.floor,
            ceiling: sc.resolution.ceiling,
          };
          const a = computeChance({ ...input, factors: f }).chance;
          const b = computeChance({
            ...input,
            factors: { ...f, [factor]: Math.min(1, (f[factor] ?? 0) + raise) },
          }).chance;
          if (w > 0) expect(b).toBeGreaterThanOrEqual(a);
          if (w < 0) expect(b).toBeLessThanOrEqual(a);
        },
      ),
      { numRuns: 50 },
    );
  });
});
