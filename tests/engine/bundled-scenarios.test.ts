import { describe, expect, it } from 'vitest';
import { playScenario } from '../../src/run/headless.js';
import { bundled, loadScenario } from '../helpers/scenarios.js';

const SEEDS = 200;

describe.each(bundled())('bundled scenario $name', ({ file }) => {
  it(`validates and runs to an outcome for ${SEEDS} seeds, with more than one outcome`, () => {
    const scenario = loadScenario(file);
    const outcomes = new Map<string, number>();
    for (let seed = 0; seed < SEEDS; seed++) {
      const { state } = playScenario(scenario, `seed-${seed}`, { keepEvents: false });
      expect(state.status).toBe('ended');
      expect(state.outcome).not.toBeNull();
      expect(state.turn).toBeLessThanOrEqual(scenario.clock.maxTurns);
      for (const v of Object.values(state.public.factors)) expect(v >= 0 && v <= 1).toBe(true);
      for (const v of Object.values(state.public.resources)) expect(v).toBeGreaterThanOrEqual(0);
      const result = state.outcome?.result ?? 'none';
      outcomes.set(result, (outcomes.get(result) ?? 0) + 1);
    }
    expect(outcomes.size).toBeGreaterThan(1);
  });
});
