/**
 * An example of the tests a scenario author can write with the authoring kit and
 * @fast-check/vitest (see the README's authoring guide). Everything comes from the package
 * entry, as it would in an author's own project: `import … from 'ttx'`.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { allHold, legalRuns, loadScenario, plays, runScenario, seeds } from 'ttx';

const scenario = loadScenario('scenarios/tutorial.yaml');

describe('Operation Tutorial, as its author tests it', () => {
  // Any legal exercise: random seeds and random legal decisions of every team.
  test.prop([legalRuns(scenario)], { numRuns: 25 })(
    'every exercise ends, and no factor leaves 0..1 on the way',
    (run) => {
      expect(run.state.status).toBe('ended');
      expect(run.state.turn).toBeLessThanOrEqual(scenario.clock.maxTurns);
      for (const v of Object.values(run.state.public.factors)) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    },
  );

  // Invariants over every reached state: replay a play with an observer.
  test.prop([plays()], { numRuns: 25 })(
    'the UN phase never ends in a mandate without nine votes',
    (play) => {
      runScenario(scenario, {
        ...play,
        onState: (s) => {
          for (const vote of s.public.mandate.votes) {
            const yes = vote.ballot.filter((b) => b.vote === 'yes').length;
            if (vote.adopted) expect(yes).toBeGreaterThanOrEqual(9);
          }
        },
      });
    },
  );

  // Default policies over seeds: the same seed gives the same exercise.
  test.prop([seeds()], { numRuns: 10 })('the same seed gives the same exercise', (seed) => {
    const a = runScenario(scenario, { seed });
    const b = runScenario(scenario, { seed });
    expect(b.commands).toEqual(a.commands);
    expect(b.state.public).toEqual(a.state.public);
  });

  // Conditions in the scenario language, checked with `allHold`.
  test('a full-pledge exercise can end with the end state met', () => {
    const ok = Array.from({ length: 40 }, (_, i) =>
      runScenario(scenario, { seed: String(i), assuming: { pledge: 'full' } }),
    ).some((run) => allHold(run.state, scenario.endConditions.success.all));
    expect(ok).toBe(true);
  });

  test.prop([fc.constantFrom('VI', 'VII')], { numRuns: 2 })(
    'scripted decisions come first, then the policies play',
    (chapter) => {
      const run = runScenario(scenario, {
        seed: 'scripted',
        commands: [
          { by: 'system', type: 'start' },
          { by: 'team:arl', type: 'draftResolution', chapter },
        ],
      });
      expect(run.state.public.mandate.votes[0]?.chapter).toBe(chapter);
    },
  );
});
