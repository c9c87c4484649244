/**
 * `ttx validate` lint: a copy of the healthy fixture with one planted problem of each kind;
 * every problem is reported once, as an error or a warning, at the right file:line:col.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conjunctionNever, findings } from '../../src/authoring/lint.js';
import { main } from '../../src/cli/main.js';
import { bundled, loadScenario } from '../helpers/scenarios.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'island.yaml');
const base = readFileSync(FIXTURE, 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'ttx-lint-'));

async function validate(file: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'ttx', 'validate', file], {
    out: (t) => (out += t),
    err: (t) => (err += t),
  });
  return { code, out, err };
}

/** Replaces `from` (which must occur once) with `to`. */
function edit(text: string, from: string, to: string): string {
  expect(text.split(from).length, from).toBe(2);
  return text.replace(from, to);
}

const EVENTS = `  - id: impossibleRiot
    title: Riot in the capital
    kind: civilianHarm
    trigger:
      when: [{ factor: security, atLeast: 0.7 }, { factor: security, below: 0.3 }]
  - id: tooLate
    title: Too late
    kind: political
    trigger: { turn: 40 }
  - id: chained
    title: Waits for the one that is too late
    kind: political
    trigger: { when: [{ fired: tooLate }] }
  - id: sureThing
    title: Certain anyway
    kind: political
    trigger: { turn: 2, chance: 1 }
  - id: doomed
    title: Never succeeds
    kind: spoiler
    trigger: { turn: 3 }
    resolution: { base: 0 }
  - id: pocket
    title: Hip pocket with a turn
    kind: political
    trigger: { hipPocket: true, turn: 4 }
  - id: nobodyCan
    title: Pirates
    kind: piracy
    trigger: { turn: 5 }
    response: { capability: maritimePatrol }
    resolution: { base: 0.5 }
endConditions:`;

function planted(): string {
  let t = base;
  t = edit(
    t,
    'factors:\n  consensus:',
    'factors:\n  morale:\n    label: Troop morale\n    start: 0.5\n  consensus:',
  );
  t = edit(t, '  penholders: [arl]', '  penholders: [arl, arl, white]');
  t = edit(
    t,
    '      infantry: 2\n      medical: 1\n',
    '      infantry: 2\n      medical: 1\n      armour: 2\n',
  );
  t = edit(t, '      required: 2\n      critical: true', '      required: 9\n      critical: true');
  t = edit(t, '  liftPerTurn: 4', '  liftPerTurn: 0');
  t = edit(t, 'endConditions:', EVENTS);
  return t;
}

/** 1-based line and column of the first occurrence of `needle` (at `offset` within it). */
function where(text: string, needle: string, offset = 0): string {
  const i = text.indexOf(needle);
  expect(i, needle).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, i + offset).split('\n');
  return `${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
}

describe('ttx validate: static lint', () => {
  it('reports each planted problem once, as an error or a warning, at file:line:col', async () => {
    const text = planted();
    const file = join(dir, 'planted.yaml');
    writeFileSync(file, text);
    const r = await validate(file);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    const lines = r.err.trimEnd().split('\n');
    const expected = [
      `${where(text, 'morale:')} warning: factors.morale: factor 'morale' is never used`,
      `${where(text, 'armour: 2')} warning: teams[2].offers.armour: 'bor' offers armour, which no CJSOR slot asks for`,
      `${where(text, 'arl, arl', 5)} warning: unsc.penholders[1]: penholder 'arl' is listed twice`,
      `${where(text, 'white]')} error: unsc.penholders[2]: penholder 'white' is a whiteCell team: it can never table a draft`,
      `error: forceGeneration.cjsor[1]: nations offer at most 2 unit(s) of engineers, the CJSOR asks for 9`,
      `${where(text, 'liftPerTurn: 0', 13)} error: deployment.liftPerTurn: strategic lift is 0`,
      `error: events[5].trigger: event 'impossibleRiot' can never trigger: security ≥ 0.7 and < 0.3 is impossible`,
      `error: events[6].trigger: event 'tooLate' can never trigger: turn 40 is after the last turn (20)`,
      `error: events[7].trigger: event 'chained' can never trigger: it waits for 'tooLate', which can never fire`,
      `warning: events[8].trigger.chance: chance 1 is certain`,
      `warning: events[9].resolution: 'doomed': base and weights give a chance of 0% whatever the factors`,
      `warning: events[10].trigger: a hip-pocket inject fires only when the white cell fires it; turn is ignored`,
      `warning: events[11].response.capability: no contingent of maritimePatrol can exist (no nation offers it)`,
    ];
    expect(lines).toHaveLength(expected.length);
    expected.forEach((e, i) => {
      expect(lines[i]).toContain(`${file}:`);
      expect(lines[i]).toContain(e);
    });
  });

  it('passes the bundled scenarios and the fixtures without a finding', async () => {
    for (const { file } of bundled()) {
      expect(findings(loadScenario(file))).toEqual([]);
      expect(await validate(file)).toEqual({ code: 0, out: `${file}: ok\n`, err: '' });
    }
    expect(findings(loadScenario(FIXTURE))).toEqual([]);
  });

  it('finds unsatisfiable conjunctions, and only those', () => {
    const sc = loadScenario(FIXTURE);
    expect(
      conjunctionNever(sc, [
        { factor: 'security', atLeast: 0.6 },
        { factor: 'security', below: 0.8 },
      ]),
    ).toBeNull();
    expect(conjunctionNever(sc, [{ factor: 'security', atLeast: 1.2 }])).toMatch(/impossible/);
    expect(conjunctionNever(sc, [{ resource: 'cimicFunds', below: 0 }])).toMatch(/resources ≥ 0/);
    expect(conjunctionNever(sc, [{ turn: { atLeast: 5, below: 5 } }])).toMatch(/turn/);
    expect(conjunctionNever(sc, [{ phase: 'mandate' }, { phase: 'operations' }])).toMatch(
      /two phases/,
    );
    expect(conjunctionNever(sc, [{ fired: 'cyclone' }, { notFired: 'cyclone' }])).toMatch(
      /fired and not/,
    );
    expect(conjunctionNever(sc, [{ phase: 'operations' }, { outcome: 'success' }])).toMatch(
      /phase and an outcome/,
    );
  });
});
