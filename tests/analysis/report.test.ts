/**
 * The after-action report of a bundled scenario's log names every decision (the players' and
 * the policies') and every resolution with its explanation, in Markdown and in HTML, keeps
 * white-cell rulings and overrides apart, and finds its turning points.
 */
import { describe, expect, test } from 'vitest';
import { describeEvent } from '../../engine/index.js';
import {
  aarHtml,
  aarMarkdown,
  buildAar,
  loadSessionLog,
  replayLog,
  sessionReport,
  type Replayed,
} from '../../src/analysis/index.js';
import { esc } from '../../src/analysis/format.js';
import { decisions, KOSOVO, tmp, TUTORIAL, writeLog } from './helpers.js';

const dir = tmp();

/** Every decision the session took: decision events (policies and players) and team commands. */
function decisionTexts(r: Replayed): string[] {
  return r.steps.flatMap((s) => s.events.filter((e) => e.kind === 'decision').map((e) => e.text));
}

function resolutionTexts(r: Replayed): string[] {
  return r.steps.flatMap((s) =>
    s.events.filter((e) => e.kind === 'resolution').map((e) => describeEvent(e)),
  );
}

describe('after-action report', () => {
  test('the report of a Kosovo log names every decision and every resolution', async () => {
    const file = writeLog(KOSOVO, '11', dir);
    const session = replayLog(loadSessionLog(file));
    const model = await buildAar(session, { log: file, futures: 0 });
    const md = aarMarkdown(model);
    const html = aarHtml(model);
    const ds = decisionTexts(session);
    const rs = resolutionTexts(session);
    expect(ds.length).toBeGreaterThan(20);
    expect(rs.length).toBeGreaterThan(50);
    for (const d of ds) {
      expect(md).toContain(d.replace(/\|/g, '\\|'));
      expect(html).toContain(esc(d));
    }
    for (const x of rs) {
      expect(md).toContain(x);
      expect(html).toContain(esc(x));
    }
    // Each resolution's explanation also stands in the table of resolutions.
    expect(model.resolutions).toHaveLength(rs.length);
    // Decisions of teams are attributed to the team, by its policy.
    const teams = model.teams.filter((t) => t.decisions.length > 0).map((t) => t.id);
    expect(teams.length).toBeGreaterThan(3);
    expect(model.decisions.every((d) => d.source === 'policy')).toBe(true);
    expect(md).toContain(`**${model.outcome?.result.toUpperCase()} at turn ${model.outcome?.turn}`);
  });

  test("players' decisions, white-cell rulings and overrides are kept apart", async () => {
    const { scenarioOf } = await import('./helpers.js');
    const { scenario } = scenarioOf(TUTORIAL);
    expect(scenario.events.some((e) => e.id === 'backChannel')).toBe(true);
    const file = writeLog(
      TUTORIAL,
      '4',
      dir,
      decisions(`
human: [arl]
decisions:
  - { turn: 1, by: team:arl, type: draftResolution, chapter: VI }
  - { turn: 1, by: team:arl, type: castVote, vote: yes }
  - { turn: 2, by: team:arl, type: diplomacy, target: galdor }
  - { turn: 2, by: facilitator, type: ruling, reason: Donor conference pledges support, effect: { factors: { legitimacy: 0.05 } } }
  - { turn: 3, by: facilitator, type: fireInject, event: backChannel }
  - { turn: 3, by: facilitator, type: override, event: backChannel, outcome: success, reason: The mediator is trusted }
`),
      'ruled.jsonl',
    );
    const session = replayLog(loadSessionLog(file));
    const model = await buildAar(session, { log: file, futures: 0 });
    const md = aarMarkdown(model);
    const players = model.decisions.filter((d) => d.source === 'players');
    expect(players.map((d) => d.team)).toEqual(['arl', 'arl', 'arl']);
    expect(model.facilitator.map((f) => f.type)).toEqual([
      'setControl',
      'ruling',
      'fireInject',
      'override',
    ]);
    expect(model.facilitator.find((f) => f.type === 'ruling')?.reason).toBe(
      'Donor conference pledges support',
    );
    expect(model.overridden).toHaveLength(1);
    expect(model.overridden[0]?.override).toBe('The mediator is trusted');
    expect(md).toContain('Donor conference pledges support');
    expect(md).toContain('The mediator is trusted');
    for (const d of decisionTexts(session)) expect(md).toContain(d);
    for (const x of resolutionTexts(session)) expect(md).toContain(x);
  });

  test('futures give the odds turn by turn, and the turning points are the largest swings', async () => {
    const file = writeLog(TUTORIAL, '7', dir, undefined, 'odds.jsonl');
    const session = replayLog(loadSessionLog(file));
    const model = await buildAar(session, { log: file, futures: 30, workers: 0 });
    const odds = model.futures?.perTurn ?? [];
    expect(odds[0]?.turn).toBe(1);
    expect(odds.every((o) => o.success.n === 30)).toBe(true);
    expect(model.futures?.fromStart?.success).toEqual(odds[0]?.success);
    const swings = model.turningPoints.map((t) => Math.abs(t.swing ?? 0));
    expect(swings).toEqual([...swings].sort((a, b) => b - a));
    // The last odds are followed by the actual outcome.
    const actual = model.outcome?.result === 'success' ? 1 : 0;
    const last = odds.at(-1);
    const lastPoint = model.turningPoints.find((t) => t.turn === last?.turn);
    if (lastPoint) expect(lastPoint.after).toBe(actual);
    expect(aarHtml(model)).toContain('Odds of success, turn by turn');
  });

  test('one call renders the report of a finished session (as the server would)', async () => {
    const file = writeLog(TUTORIAL, '8', dir, undefined, 'server.jsonl');
    const { log, scenario } = loadSessionLog(file);
    const md = await sessionReport(scenario, log.header.seed, log.commands, {
      format: 'md',
      log: 'session 8',
    });
    expect(md).toMatch(/^# After-action report: /);
    expect(md).toContain('log session 8');
    const html = await sessionReport(scenario, log.header.seed, log.commands, {
      format: 'html',
      log: 'session 8',
    });
    expect(html).toMatch(/^<!doctype html>/);
  });
});
