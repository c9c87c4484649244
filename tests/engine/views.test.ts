import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  createSession,
  eventsFor,
  replay,
  step,
  viewFor,
  type EngineEvent,
  type Role,
} from '../../engine/index.js';
import { playChoices } from '../../src/run/random-play.js';
import { bundledScenario } from '../helpers/scenarios.js';

const scenario = bundledScenario('kosovo-1999');
const nations = scenario.teams.filter((t) => t.kind === 'nation').map((t) => t.id);
const alliance = scenario.teams.find((t) => t.kind === 'alliance')?.id ?? '';
const hidden = scenario.events.filter((e) => e.visibility === 'control');

const tape = fc.array(fc.nat({ max: 2 ** 20 }), { maxLength: 150 });

describe('views', () => {
  test.prop([tape, fc.nat()], { numRuns: 15 })(
    'each role sees only what it may',
    (choices, cut) => {
      const { commands } = playChoices(scenario, 'views', choices);
      const s = replay(scenario, 'views', commands.slice(0, cut % (commands.length + 1)));
      for (const nation of nations) {
        const view = viewFor(s, `team:${nation}`);
        const text = JSON.stringify(view);
        expect(view.full).toBeUndefined();
        expect(view.team?.id).toBe(nation);
        for (const c of view.force ?? []) expect(c.nation).toBe(nation);
        expect(text).not.toContain('"rng"');
        expect(text).not.toContain('unscSupport');
        for (const other of scenario.teams) {
          if (other.id !== nation && other.briefing) expect(text).not.toContain(other.briefing);
        }
        for (const e of hidden) expect(view.injects.map((i) => i.id)).not.toContain(e.id);
      }
      const observer = viewFor(s, 'observer');
      expect(observer.team).toBeUndefined();
      expect(observer.force).toBeUndefined();
      expect(JSON.stringify(observer)).not.toContain('"support"');
      expect(viewFor(s, `team:${alliance}`).force?.length).toBe(
        Object.keys(s.force.contingents).length,
      );
      expect(viewFor(s, 'facilitator').full).toBe(s);
    },
  );

  test.prop([fc.string({ maxLength: 6 }), tape], { numRuns: 10 })(
    'events reach exactly their audience',
    (seed, choices) => {
      const events: EngineEvent[] = [];
      let s = createSession(scenario, seed);
      for (const c of playChoices(scenario, seed, choices).commands) {
        const r = step(s, c);
        if (!r.ok) expect.fail(r.error.message);
        events.push(...r.events);
        s = r.state;
      }
      const roles: Role[] = ['observer', ...nations.map((n) => `team:${n}` as const)];
      for (const role of roles) {
        for (const e of eventsFor(events, role)) {
          if (e.audience === 'control')
            expect.fail(`${role} received a white-cell event: ${e.text}`);
          if (Array.isArray(e.audience))
            expect(role === 'observer' ? [] : e.audience).toContain(role.slice(5));
        }
      }
      expect(eventsFor(events, 'facilitator')).toHaveLength(events.length);
    },
  );
});
