/** `ttx batch` and `ttx report` from the command line: outputs, files and one-line errors. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { BatchReport } from '../../src/analysis/index.js';
import { ttx } from '../helpers/cli.js';
import { tmp, TUTORIAL, writeLog } from './helpers.js';

const dir = tmp();

describe('ttx batch', () => {
  test('prints the tables: outcomes with intervals, phases, factors, injects, decisions, sweep', async () => {
    const r = await ttx(
      'batch',
      TUTORIAL,
      '--runs',
      '60',
      '--workers',
      '0',
      '--vary',
      'security=0.3:0.7:3',
    );
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    for (const heading of [
      'OUTCOMES (95% Wilson intervals)',
      'END TURN',
      'PHASE DURATIONS',
      'FACTORS AT THE END',
      'INJECTS THAT FIRED MOST',
      'DECISIONS MOST ASSOCIATED WITH SUCCESS',
      'SENSITIVITY',
    ])
      expect(r.out).toContain(heading);
    expect(r.out).toMatch(/success\s+\d+\s+[\d.]+%\s+[\d.]+–[\d.]+%/);
  });

  test('--json is the report; --html writes a page; the same seed gives the same results', async () => {
    const html = join(dir, 'b.html');
    const a = await ttx(
      'batch',
      TUTORIAL,
      '-n',
      '30',
      '-w',
      '0',
      '--seed',
      's',
      '--json',
      '--html',
      html,
    );
    const b = await ttx('batch', TUTORIAL, '-n', '30', '-w', '0', '--seed', 's', '--json');
    expect(a.code).toBe(0);
    const ra = JSON.parse(a.out) as BatchReport;
    const rb = JSON.parse(b.out) as BatchReport;
    expect(ra.kind).toBe('ttx-batch');
    expect(ra.runs).toBe(30);
    expect(JSON.stringify(ra.stats)).toBe(JSON.stringify(rb.stats));
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<svg[\s\S]*<\/html>\n$/);
  });

  test('--from a log --at-turn T plays futures and names the recorded outcome', async () => {
    const log = writeLog(TUTORIAL, '7', dir);
    const r = await ttx('batch', '--from', log, '--at-turn', '3', '-n', '20', '-w', '0');
    expect(r.code).toBe(0);
    expect(r.out).toContain('20 futures of');
    expect(r.out).toContain('from the start of turn 3');
    expect(r.out).toMatch(/The recorded session ended: (SUCCESS|PARTIAL|FAILURE) at turn \d+/);
  });

  test('bad arguments give one line and a non-zero status', async () => {
    const cases: [string[], RegExp, number][] = [
      [['batch'], /needs a scenario file/, 2],
      [['batch', TUTORIAL, '--runs', '0'], /--runs must be a whole number ≥ 1/, 2],
      [['batch', TUTORIAL, '--vary', 'security=0.9:0.1'], /need 0 ≤ low < high ≤ 1/, 2],
      [['batch', TUTORIAL, '--vary', 'nonsense'], /expected factor=low:high/, 2],
      [
        ['batch', TUTORIAL, '-n', '2', '-w', '0', '--vary', 'morale=0.1:0.5'],
        /no factor 'morale'/,
        1,
      ],
      [['batch', '--from', 'missing.jsonl'], /--from needs --at-turn/, 2],
      [['batch', '--from', 'missing.jsonl', '--at-turn', '2'], /missing\.jsonl: cannot read/, 1],
      [['batch', 'missing.yaml'], /missing\.yaml/, 1],
    ];
    for (const [args, message, code] of cases) {
      const r = await ttx(...args);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.err, args.join(' ')).toMatch(message);
      expect(r.err.trim().split('\n').length <= 2, r.err).toBe(true);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });
});

describe('ttx report', () => {
  test('Markdown on stdout, HTML to a file, JSON model', async () => {
    const log = writeLog(TUTORIAL, '3', dir, undefined, 'r.jsonl');
    const md = await ttx('report', log, '--futures', '0');
    expect(md.code).toBe(0);
    expect(md.out).toMatch(/^# After-action report: /);
    expect(md.out).toContain('## Resolutions and why');
    const out = join(dir, 'aar.html');
    const html = await ttx('report', log, '-o', out, '--futures', '10', '-w', '0');
    expect(html.code).toBe(0);
    expect(html.out).toContain(`written to ${out}`);
    expect(readFileSync(out, 'utf8')).toContain('Key turning points');
    const json = await ttx('report', log, '--futures', '0', '--json');
    expect((JSON.parse(json.out) as { kind: string }).kind).toBe('ttx-aar');
  });

  test('a log whose replay diverges is refused in one line', async () => {
    const log = writeLog(TUTORIAL, '3', dir, undefined, 'bad.jsonl');
    const lines = readFileSync(log, 'utf8').split('\n');
    const end = lines.findIndex((l) => l.startsWith('{"end"'));
    lines[end] = JSON.stringify({ end: { seq: 999, stateHash: 'x' } });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(log, lines.join('\n'));
    const r = await ttx('report', log, '--futures', '0');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^ttx: .*replay diverged/);
  });
});
