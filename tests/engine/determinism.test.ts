import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  applyInPlace,
  createSession,
  forkSession,
  hashState,
  replay,
  step,
  type Command,
  type SessionState,
} from '../../engine/index.js';
import { playScenario } from '../../src/run/headless.js';
import { playChoices } from '../../src/run/random-play.js';
import { bundledScenario } from '../helpers/scenarios.js';

const tape = fc.array(fc.nat({ max: 2 ** 20 }), { maxLength: 120 });
const seed = fc.string({ minLength: 0, maxLength: 12 });

describe.each(['tutorial', 'kosovo-1999'])('determinism: %s', (name) => {
  const scenario = bundledScenario(name);
  const runs = name === 'tutorial' ? 40 : 12;

  test.prop([seed, tape], { numRuns: runs })(
    'the same seed and commands give the same events and state hash, and replay agrees',
    (s, choices) => {
      const a = playChoices(scenario, s, choices);
      const b = playChoices(scenario, s, choices);
      expect(b.commands).toEqual(a.commands);
      expect(hashState(b.state)).toBe(hashState(a.state));
      expect(hashState(replay(scenario, s, a.commands))).toBe(hashState(a.state));
    },
  );

  test.prop([seed, tape, fc.double({ min: 0, max: 1, noNaN: true })], { numRuns: runs })(
    'a JSON save and restore mid-run ends at the same hash, with the same events',
    (s, choices, at) => {
      const { commands, state: end } = playChoices(scenario, s, choices);
      const cut = Math.floor(at * commands.length);
      let live = replay(scenario, s, commands.slice(0, cut));
      let restored = JSON.parse(JSON.stringify(live)) as SessionState;
      for (const c of commands.slice(cut)) {
        const x = step(live, c);
        const y = step(restored, c);
        expect(x.ok && y.ok).toBe(true);
        if (!x.ok || !y.ok) return;
        expect(y.events).toEqual(x.events);
        live = x.state;
        restored = y.state;
      }
      expect(hashState(restored)).toBe(hashState(end));
    },
  );
});

describe('in-place stepping (headless runs)', () => {
  test.prop([seed], { numRuns: 15 })('reaches the same state as pure steps', (s) => {
    const scenario = bundledScenario('kosovo-1999');
    const run = playScenario(scenario, s);
    expect(hashState(replay(scenario, s, run.commands))).toBe(hashState(run.state));
  });

  test.prop([seed], { numRuns: 15 })('a quiet run (no narrative) reaches the same state', (s) => {
    const scenario = bundledScenario('kosovo-1999');
    const told = playScenario(scenario, s);
    const quiet = playScenario(scenario, s, { keepEvents: false });
    expect(told.events.length).toBeGreaterThan(0);
    expect(quiet.events).toHaveLength(0);
    expect(hashState(quiet.state)).toBe(hashState(told.state));
  });

  test.prop([seed], { numRuns: 10 })(
    'quiet or not, the resolution listener hears every resolution the events report',
    (s) => {
      const scenario = bundledScenario('kosovo-1999');
      const heard = (quiet: boolean): { told: string[]; events: string[] } => {
        const told: string[] = [];
        const events: string[] = [];
        const work = forkSession(createSession(scenario, s));
        const options = {
          quiet,
          onResolution: (subject: string, chance: number, outcome: string) =>
            told.push(`${subject} ${chance} ${outcome}`),
        };
        const go = (c: Command): void => {
          const r = applyInPlace(work, c, options);
          if (!r.ok) throw new Error(r.error.message);
          for (const e of r.events)
            if (e.explanation)
              events.push(`${e.subject} ${e.explanation.chance} ${e.explanation.outcome}`);
        };
        go({ by: 'system', type: 'start' });
        while (work.status === 'running') go({ by: 'system', type: 'advance' });
        return { told, events };
      };
      const loud = heard(false);
      const quiet = heard(true);
      expect(loud.told.length).toBeGreaterThan(10);
      expect(loud.told).toEqual(loud.events);
      expect(quiet.told).toEqual(loud.told);
      expect(quiet.events).toHaveLength(0);
    },
  );
});
