/**
 * Property: no input makes the loader throw. Random bytes, random text and YAML-ish token
 * soup all come back as `{ ok: false, errors }` with positions inside the file; mutations of
 * a valid scenario come back either valid or with positioned errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScenarioBytes, parseScenarioText, type LoadResult } from '../../src/scenario/load.js';

const minimalText = readFileSync(join(import.meta.dirname, 'fixtures', 'minimal.yaml'), 'utf8');
/** ~200 by default; `TTX_NUM_RUNS=5000 npx vitest run tests/scenario/property.test.ts` to soak. */
const NUM_RUNS = Number(process.env.TTX_NUM_RUNS ?? 200);

function checkIssues(r: LoadResult, file: string, text: string): void {
  if (r.ok) return;
  expect(r.errors.length).toBeGreaterThan(0);
  const lines = text.split('\n').length;
  for (const e of r.errors) {
    expect(e.file).toBe(file);
    expect(Number.isInteger(e.line) && e.line >= 1 && e.line <= lines + 1).toBe(true);
    expect(Number.isInteger(e.col) && e.col >= 1).toBe(true);
    expect(['error', 'warning']).toContain(e.severity);
    expect(e.message).not.toMatch(/^internal error/);
  }
}

const fragments = [
  'schemaVersion: 1',
  'id: x',
  'teams:',
  'factors:',
  '- ',
  '  ',
  '\t',
  '\n',
  ': ',
  ':',
  '[',
  ']',
  '{',
  '}',
  ', ',
  '"',
  "'",
  '#',
  '---',
  '...',
  '&a ',
  '*a',
  '*b',
  '!!str ',
  '!tag ',
  '? ',
  '|',
  '>-',
  '%YAML 1.1',
  'key',
  '0.5',
  '-1',
  'true',
  '~',
  '\\',
  '<<: ',
  'é',
  '\uFEFF',
];
const yamlish = fc.array(fc.constantFrom(...fragments), { maxLength: 60 }).map((a) => a.join(''));

describe('the loader never throws', { timeout: 120_000 }, () => {
  it('on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1024 }), (bytes) => {
        const r = parseScenarioBytes(bytes, 'rand.bin');
        expect(r.ok).toBe(false);
        checkIssues(r, 'rand.bin', Buffer.from(bytes).toString('latin1'));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('on random text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const r = parseScenarioText(text, 'rand.yaml');
        expect(r.ok).toBe(false);
        checkIssues(r, 'rand.yaml', text);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('on YAML-ish token soup', () => {
    fc.assert(
      fc.property(yamlish, (text) => {
        const r = parseScenarioText(text, 'soup.yaml');
        expect(r.ok).toBe(false);
        checkIssues(r, 'soup.yaml', text);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('on mutations of a valid scenario', () => {
    const lines = minimalText.split('\n');
    const mutation = fc.oneof(
      fc.record({ op: fc.constant('delete' as const), at: fc.nat(lines.length - 1) }),
      fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(lines.length - 1) }),
      fc.record({
        op: fc.constant('insert' as const),
        at: fc.nat(minimalText.length),
        text: yamlish,
      }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        let text = minimalText;
        for (const m of mutations) {
          if (m.op === 'insert') {
            const at = Math.min(m.at, text.length);
            text = text.slice(0, at) + m.text + text.slice(at);
          } else {
            const ls = text.split('\n');
            const at = Math.min(m.at, ls.length - 1);
            if (m.op === 'delete') ls.splice(at, 1);
            else ls.splice(at, 0, ls[at] ?? '');
            text = ls.join('\n');
          }
        }
        const r = parseScenarioText(text, 'mut.yaml');
        if (r.ok) expect(typeof r.scenario.id).toBe('string');
        checkIssues(r, 'mut.yaml', text);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
