/** The web client's plain logic, without a browser: timelines, charts, words, decisions. */
import { describe, expect, it } from 'vitest';
import {
  createSession,
  legalCommands,
  step,
  viewFor,
  type EngineEvent,
} from '../../engine/index.js';
import { decisionGroups, pledgeRoom } from '../../web/src/decisions/catalog.js';
import { describeCommand, namesOf } from '../../web/src/decisions/describe.js';
import { integerTicks, linearScale, linePath } from '../../web/src/lib/chart.js';
import { closeReason, plainError, plainHttpError } from '../../web/src/lib/errors.js';
import { turnDate } from '../../web/src/lib/format.js';
import { phaseSpans, stageChanges, mainPhaseOf } from '../../web/src/lib/phases.js';
import { doneThisTurn } from '../../web/src/lib/submitted.js';
import { bundledScenario } from '../helpers/scenarios.js';

const event = (
  kind: EngineEvent['kind'],
  turn: number,
  text: string,
  team?: string,
): EngineEvent => ({ kind, turn, audience: 'all', text, ...(team ? { team } : {}) });

describe('phase timeline', () => {
  it('maps stages to main phases as the engine does', () => {
    expect(mainPhaseOf('mandate › unsc.voting')).toBe('mandate');
    expect(mainPhaseOf('force generation › pledging')).toBe('forceGeneration');
    expect(mainPhaseOf('deployment › lift')).toBe('deployment');
    expect(mainPhaseOf('deployment › ioc')).toBe('deployment');
    expect(mainPhaseOf('deployment › operations')).toBe('operations');
    expect(mainPhaseOf('deployment › transition')).toBe('transition');
    expect(mainPhaseOf('ended.success')).toBe('ended');
  });

  it('turns phase events into spans over the turns', () => {
    const changes = stageChanges([
      event('phase', 1, 'Phase: mandate › unsc.drafting'),
      event('decision', 1, 'Arland tables a draft'),
      event('phase', 1, 'Phase: mandate › unsc.voting'),
      event('phase', 4, 'Phase: force generation › pledging'),
      event('phase', 6, 'Phase: deployment › lift'),
    ]);
    expect(changes).toHaveLength(4);
    expect(phaseSpans(changes, 7)).toEqual([
      { phase: 'mandate', start: 1, end: 4, stages: ['unsc.drafting', 'unsc.voting'] },
      { phase: 'forceGeneration', start: 4, end: 6, stages: ['pledging'] },
      { phase: 'deployment', start: 6, end: 8, stages: ['lift'] },
    ]);
    expect(phaseSpans([], 3)).toEqual([]);
  });
});

describe('charts', () => {
  it('scales, ticks and paths', () => {
    const sx = linearScale(1, 5, 0, 100);
    expect(sx(1)).toBe(0);
    expect(sx(3)).toBe(50);
    expect(linearScale(2, 2, 0, 10)(7)).toBe(5);
    expect(integerTicks(1, 20, 8)).toEqual([1, 4, 7, 10, 13, 16, 19, 20]);
    expect(integerTicks(1, 3, 10)).toEqual([1, 2, 3]);
    const sy = linearScale(0, 1, 100, 0);
    expect(
      linePath(
        [
          { x: 1, y: 0 },
          { x: 5, y: 0.5 },
        ],
        sx,
        sy,
      ),
    ).toBe('M0,100 L100,50');
  });
});

describe('plain words', () => {
  it('for refused commands, closes and HTTP errors', () => {
    expect(plainError('alreadyActed', 'one CIMIC project per turn')).toBe(
      'That has already been done this turn. (one CIMIC project per turn)',
    );
    expect(plainError('paused', '')).toContain('paused by the white cell');
    expect(closeReason(4001)).toMatchObject({ fatal: true });
    expect(closeReason(4001).message).toContain('revoked');
    expect(closeReason(1006)).toEqual({
      message: 'The connection to the server was lost.',
      fatal: false,
    });
    expect(
      plainHttpError(400, { error: { message: 'the scenario is not valid', issues: ['x:1:1'] } }),
    ).toBe('The scenario is not valid: x:1:1.');
    expect(plainHttpError(503, { error: { message: 'full' } })).toContain('Try again later');
  });

  it('for scenario dates', () => {
    const clock = { unit: 'week', turnLength: 1, start: '2030-03-04' };
    expect(turnDate(clock, 1)).toBe('2030-03-04');
    expect(turnDate(clock, 3)).toBe('2030-03-18');
    expect(turnDate({ ...clock, unit: 'month' }, 3)).toBe('2030-05-04');
    expect(turnDate({ unit: 'day', turnLength: 1 }, 3)).toBeUndefined();
  });
});

describe('decisions', () => {
  const scenario = bundledScenario('tutorial');
  let state = createSession(scenario, '1');
  for (const c of [
    { by: 'facilitator', type: 'setControl', team: 'arl', mode: 'human' },
    { by: 'facilitator', type: 'start' },
  ] as const) {
    const r = step(state, c);
    if (!r.ok) throw new Error(r.error.message);
    state = r.state;
  }

  it('every legal command of every role reads as a sentence, with names not ids', () => {
    const view = viewFor(state, 'facilitator');
    const names = namesOf(view);
    for (const role of ['facilitator', 'team:arl', 'team:alliance', 'team:cas'] as const) {
      for (const c of legalCommands(state, role)) {
        const text = describeCommand(c, names);
        expect(text.length).toBeGreaterThan(5);
      }
    }
    expect(describeCommand({ type: 'diplomacy', target: 'galdor' }, names)).toBe(
      'Lobby Galdor (Council member)',
    );
    expect(describeCommand({ type: 'diplomacy', target: 'bor' }, names)).toBe(
      'Lobby Borealia (ally)',
    );
    expect(
      describeCommand({ type: 'pledge', slot: 'infBn', units: 2, caveats: ['noNightOps'] }, names),
    ).toBe('Pledge 2 unit(s) of infantry (slot infBn), with caveats: no night operations');
    expect(describeCommand({ type: 'fireInject', event: 'backChannel' }, names)).toBe(
      'Fire the inject “Intelligence: a militia commander wants to talk”',
    );
  });

  it('groups a team’s legal commands into decisions, in the order an exercise meets them', () => {
    const groups = decisionGroups(legalCommands(state, 'team:arl'));
    expect(groups.map((g) => g.type)).toEqual(['draftResolution', 'diplomacy']);
    expect(groups[0]?.choices).toEqual([
      { type: 'draftResolution', chapter: 'VII' },
      { type: 'draftResolution', chapter: 'VI' },
    ]);
    expect(
      pledgeRoom([
        { type: 'pledge', slot: 'infBn', units: 1 },
        { type: 'pledge', slot: 'infBn', units: 2 },
        { type: 'pledge', slot: 'engr', units: 1 },
      ]),
    ).toEqual(
      new Map([
        ['infBn', 2],
        ['engr', 1],
      ]),
    );
  });

  it('tells what each team did this turn', () => {
    const events = [
      event('decision', 1, 'Arland tables a draft', 'arl'),
      event('turn', 2, '— Turn 2 —'),
      event('decision', 2, 'Arland casts its vote', 'arl'),
      event('resolution', 2, 'Borealia lobbies Galdor', 'bor'),
      event('inject', 2, 'INJECT something'),
    ];
    expect(doneThisTurn(events, 2)).toEqual(
      new Map([
        ['bor', ['Borealia lobbies Galdor']],
        ['arl', ['Arland casts its vote']],
      ]),
    );
  });
});
