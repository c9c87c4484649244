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
  type SessionState,
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

  test.prop([tape], { numRuns: 8 })(
    'a view is the same with its parts remembered or not, and an unchanged part is the same object',
    (choices) => {
      const roles: Role[] = [
        'facilitator',
        'observer',
        `team:${alliance}`,
        ...nations.map((n) => `team:${n}` as const),
      ];
      // A thawed copy (nothing frozen) is never remembered: its views are made from scratch.
      const thawed = (s: SessionState): SessionState => ({
        ...(JSON.parse(JSON.stringify({ ...s, scenario: null })) as SessionState),
        scenario: s.scenario,
      });
      let s = createSession(scenario, 'parts');
      const before = new Map(roles.map((r) => [r, viewFor(s, r)]));
      for (const c of playChoices(scenario, 'parts', choices).commands) {
        const r = step(s, c);
        if (!r.ok) expect.fail(r.error.message);
        const prev = s;
        s = r.state;
        const fresh = thawed(s);
        for (const role of roles) {
          const view = viewFor(s, role);
          expect(JSON.stringify(view)).toBe(JSON.stringify(viewFor(fresh, role)));
          const old = before.get(role);
          if (s.injects.active === prev.injects.active) expect(view.injects).toBe(old?.injects);
          if (s.force.contingents === prev.force.contingents) expect(view.force).toBe(old?.force);
          const team = role.startsWith('team:') ? role.slice(5) : '';
          if (team && s.teams[team] === prev.teams[team]) expect(view.team).toBe(old?.team);
          before.set(role, view);
        }
      }
      // Changed in place, a thawed state's view shows the change.
      const fresh = thawed(s);
      const nation = nations[0] ?? '';
      expect(viewFor(fresh, `team:${nation}`).team?.support).toBe(s.teams[nation]?.support);
      (fresh.teams[nation] as { support: number }).support = 0.123;
      expect(viewFor(fresh, `team:${nation}`).team?.support).toBe(0.123);
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
