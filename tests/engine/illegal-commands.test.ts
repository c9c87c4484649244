import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  createSession,
  hashState,
  REJECTION_CODES,
  step,
  type SessionState,
} from '../../engine/index.js';
import { playChoices } from '../../src/run/random-play.js';
import { bundledScenario } from '../helpers/scenarios.js';

const scenario = bundledScenario('tutorial');
const teams = scenario.teams.map((t) => t.id);

/** Anything a client might send: well-formed and malformed, from any issuer. */
const issuer = fc.oneof(
  fc.constantFrom('facilitator', 'system', 'observer', 'team:', 'team:nobody', 42),
  fc.constantFrom(...teams).map((t) => `team:${t}`),
);
// Prototype names probe id lookups that would otherwise find Object.prototype members.
const id = fc.oneof(
  fc.constantFrom(
    ...teams,
    'nobody',
    'inf-1',
    '',
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
  ),
  fc.string({ maxLength: 8 }),
);
const anyCommand = fc.oneof(
  fc.record(
    {
      by: issuer,
      type: fc.constantFrom(
        'start',
        'pause',
        'resume',
        'advance',
        'fireInject',
        'override',
        'setControl',
        'draftResolution',
        'castVote',
        'proceedWithoutMandate',
        'abandon',
        'diplomacy',
        'circulate',
        'breakSilence',
        'reservation',
        'nationalDecision',
        'pledge',
        'reask',
        'acceptGaps',
        'transferAuthority',
        'prioritiseLift',
        'setRoe',
        'cimic',
        'shareIntel',
        'respond',
        'ruling',
        'teleport',
      ),
      event: id,
      team: id,
      target: id,
      slot: id,
      contingent: id,
      units: fc.integer({ min: -2, max: 50 }),
      chapter: fc.constantFrom('VI', 'VII', 'VIII'),
      vote: fc.constantFrom('yes', 'no', 'abstain', 'maybe'),
      approve: fc.boolean(),
      mode: fc.constantFrom('human', 'policy'),
      posture: fc.constantFrom('robust', 'restrictive', 'balanced'),
      outcome: fc.constantFrom('success', 'failure'),
      reason: fc.string({ maxLength: 10 }),
    },
    { requiredKeys: ['type'] },
  ),
  fc.anything(),
);

describe('illegal commands', () => {
  test.prop([fc.array(fc.nat({ max: 2 ** 20 }), { maxLength: 60 }), fc.nat(60), anyCommand], {
    numRuns: 300,
  })(
    'a rejected command returns the same state, an unchanged hash and a typed error',
    (choices, cut, command) => {
      const { commands } = playChoices(scenario, 'illegal', choices);
      let state = createSession(scenario, 'illegal');
      for (const c of commands.slice(0, cut)) {
        const r = step(state, c);
        if (r.ok) state = r.state;
      }
      const before = hashState(state);
      const r = step(state, command);
      if (!r.ok) {
        expect(r.state).toBe(state);
        expect(hashState(r.state)).toBe(before);
        expect(REJECTION_CODES).toContain(r.error.code);
        expect(r.error.message.length).toBeGreaterThan(0);
      } else {
        expect(r.state.seq).toBe(state.seq + 1);
      }
    },
  );

  it('rejects by rule, with the right code', () => {
    const fresh = createSession(scenario, 's');
    const running = step(fresh, { by: 'system', type: 'start' });
    if (!running.ok) throw new Error(running.error.message);
    const s = running.state;
    const code = (st: SessionState, c: unknown): string | undefined => {
      const r = step(st, c);
      return r.ok ? undefined : r.error.code;
    };
    expect(code(fresh, { by: 'system', type: 'advance' })).toBe('notStarted');
    expect(code(s, { by: 'team:arl', type: 'advance' })).toBe('forbidden');
    expect(code(s, { by: 'system', type: 'pause' })).toBe('forbidden');
    expect(code(s, { by: 'team:atlantis', type: 'cimic' })).toBe('unknownTarget');
    expect(code(s, { by: 'team:arl', type: 'pledge', slot: 'nope', units: 1 })).toBe('wrongPhase');
    expect(code(s, { by: 'team:alliance', type: 'pledge', slot: 'x', units: 1 })).toBe('forbidden');
    expect(code(s, { by: 'team:arl', type: 'diplomacy', target: 'atlantis' })).toBe(
      'unknownTarget',
    );
    expect(code(s, { by: 'facilitator', type: 'fireInject', event: 'nope' })).toBe('unknownTarget');
    expect(code(s, { by: 'facilitator', type: 'ruling', reason: ' ', effect: {} })).toBe(
      'malformed',
    );
    expect(code(s, { by: 'facilitator', type: 'teleport' })).toBe('malformed');
    expect(code(s, 'advance')).toBe('malformed');
    const paused = step(s, { by: 'facilitator', type: 'pause' });
    if (!paused.ok) throw new Error(paused.error.message);
    expect(code(paused.state, { by: 'team:arl', type: 'cimic' })).toBe('paused');
    expect(code(paused.state, { by: 'system', type: 'advance' })).toBe('paused');
  });

  it('an impossible pledge is rejected: more than the offer and the gap allow', () => {
    // The first seed whose mandate succeeds reaches a pledge round.
    for (let seed = 0; seed < 50; seed++) {
      let s = createSession(scenario, String(seed));
      const apply = (c: Parameters<typeof step>[1]): void => {
        const r = step(s, c);
        if (!r.ok) throw new Error(r.error.message);
        s = r.state;
      };
      apply({ by: 'system', type: 'start' });
      while (s.status === 'running' && !s.stage.startsWith('forceGeneration.pledging')) {
        apply({ by: 'system', type: 'advance' });
      }
      const nation = scenario.teams.find(
        (t) => s.public.mandate.approvals[t.id] === 'approved' && Object.keys(t.offers).length > 0,
      );
      if (s.status !== 'running' || !nation) continue;
      const [capability, offered = 0] = Object.entries(nation.offers)[0] ?? [];
      const slot = scenario.forceGeneration.cjsor.find((x) => x.capability === capability);
      if (!slot) continue;
      const by = `team:${nation.id}` as const;
      const r = step(s, { by, type: 'pledge', slot: slot.id, units: offered + slot.required + 1 });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('impossible');
      expect(step(s, { by, type: 'pledge', slot: slot.id, units: 1 }).ok).toBe(true);
      return;
    }
    expect.fail('no seed reached a pledge round');
  });
});

describe('hidden injects', () => {
  it('a team cannot learn of, or respond to, an inject it may not see', () => {
    const sc = bundledScenario('ocean-shield');
    const hidden = sc.events.find((e) => Array.isArray(e.visibility));
    const visibility = hidden?.visibility;
    const outsider = sc.teams.find(
      (t) => t.kind === 'nation' && Array.isArray(visibility) && !visibility.includes(t.id),
    );
    if (!hidden || !outsider) return expect.fail('ocean-shield has an inject hidden from a nation');
    let s = createSession(sc, 'hidden');
    for (const c of [{ type: 'start' }, { type: 'fireInject', event: hidden.id }] as const) {
      const r = step(s, { by: 'facilitator', ...c });
      if (!r.ok) return expect.fail(r.error.message);
      s = r.state;
    }
    const probe = (event: string): string => {
      const r = step(s, { by: `team:${outsider.id}`, type: 'respond', event, contingent: 'none' });
      return r.ok ? 'accepted' : `${r.error.code}: ${r.error.message.replace(event, '<id>')}`;
    };
    expect(s.injects.active[hidden.id]).toBeDefined();
    expect(probe(hidden.id)).toBe(probe('noSuchInject'));
  });
});
