/** Measurement loops for the engine benchmark (kept apart so a test can smoke-run them). */
import { performance } from 'node:perf_hooks';
import seedrandom from 'seedrandom';
import { createSession, forkSession, step, stepInPlace, type Scenario } from '../engine/index.js';
import { playScenario } from '../src/run/headless.js';
import { playChoices } from '../src/run/random-play.js';

export interface RunsFigure {
  readonly runs: number;
  readonly steps: number;
  readonly turns: number;
  readonly seconds: number;
}

/** Complete headless runs on default policies, for `seconds` after a warm-up. */
export function benchRuns(scenario: Scenario, seconds: number): RunsFigure {
  for (let i = 0; i < 30; i++) playScenario(scenario, `warm-${i}`, { keepEvents: false });
  let runs = 0;
  let steps = 0;
  let turns = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    const { state } = playScenario(scenario, `run-${runs}`, { keepEvents: false });
    runs++;
    steps += state.seq;
    turns += state.turn;
  }
  return { runs, steps, turns, seconds: (performance.now() - t0) / 1000 };
}

export interface StepsFigure {
  readonly steps: number;
  readonly seconds: number;
}

/**
 * Engine steps over random legal command sequences (recorded first, then timed on replay,
 * so the figure is the engine's alone and not the generator's). `pure` times `step` (a new
 * frozen state per command, as a server keeps); otherwise `stepInPlace` on a working copy,
 * as headless runners do. `decisionsOnly` times the decisions alone, not the clock ticks
 * between them (an `advance` plays a whole turn).
 */
export function benchSteps(
  scenario: Scenario,
  seconds: number,
  mode: { pure: boolean; decisionsOnly?: boolean },
): StepsFigure {
  const tape = (i: number): number[] => {
    const rng = seedrandom.alea(`tape-${i}`);
    return Array.from({ length: 300 }, () => Math.floor(rng() * 2 ** 20));
  };
  const sequences = Array.from({ length: 20 }, (_, i) => ({
    seed: `seq-${i}`,
    commands: playChoices(scenario, `seq-${i}`, tape(i)).commands,
  }));
  let steps = 0;
  let timed = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (const { seed, commands } of sequences) {
      let state = createSession(scenario, seed);
      if (!mode.pure) state = forkSession(state);
      for (const c of commands) {
        const clock = c.type === 'advance' || c.type === 'start';
        const t = mode.decisionsOnly ? performance.now() : 0;
        if (mode.pure) {
          const r = step(state, c);
          if (r.ok) state = r.state;
        } else stepInPlace(state, c, { quiet: true });
        if (mode.decisionsOnly && !clock) timed += performance.now() - t;
        if (!mode.decisionsOnly || !clock) steps++;
      }
    }
  }
  const elapsed = mode.decisionsOnly ? timed : performance.now() - t0;
  return { steps, seconds: elapsed / 1000 };
}
