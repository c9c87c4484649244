import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MAX_ALIAS_NODES,
  MAX_FILE_BYTES,
  MAX_ISSUES,
  firstInvalidUtf8,
  formatIssue,
  formatPath,
  loadScenarioFile,
  parseScenarioBytes,
  parseScenarioText,
  suggest,
  type LoadResult,
} from '../../src/scenario/load.js';

const minimalPath = join(import.meta.dirname, 'fixtures', 'minimal.yaml');
const minimalText = readFileSync(minimalPath, 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'ttx-load-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function errorsOf(r: LoadResult): string[] {
  return r.ok ? [] : r.errors.map(formatIssue);
}

describe('loading a valid scenario', () => {
  it('loads fixtures/minimal.yaml with defaults applied', () => {
    const r = loadScenarioFile(minimalPath);
    expect(errorsOf(r)).toEqual([]);
    if (!r.ok) return;
    expect(r.scenario.id).toBe('minimal');
    expect(r.scenario.teams).toHaveLength(2);
    expect(r.scenario.teams[1]!.offers).toEqual({ infantry: 2 });
    expect(r.scenario.nac.silenceTurns).toBe(1);
    expect(r.scenario.unsc?.chapter).toBe('VII');
    expect(r.warnings).toEqual([]);
  });

  it('hashes the raw bytes with sha256', () => {
    const bytes = readFileSync(minimalPath);
    const r = loadScenarioFile(minimalPath);
    expect(r.ok && r.hash).toBe(createHash('sha256').update(bytes).digest('hex'));
    const t = parseScenarioText(minimalText, 'x.yaml');
    expect(t.ok && t.hash).toBe(r.ok && r.hash);
  });

  it('accepts a UTF-8 byte order mark, and hashes it as part of the file', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(minimalText)]);
    const r = parseScenarioBytes(bytes, 'bom.yaml');
    expect(errorsOf(r)).toEqual([]);
    expect(r.ok && r.hash).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('reports an unresolved YAML tag as a warning, not an error', () => {
    const r = parseScenarioText(minimalText.replace('title: ', 'title: !shout '), 'w.yaml');
    expect(errorsOf(r)).toEqual([]);
    expect(r.ok && r.warnings.map(formatIssue)).toEqual([
      expect.stringMatching(/^w\.yaml:4:8 warning: .*!shout/),
    ]);
  });

  it('accepts a few anchors and aliases', () => {
    const text =
      minimalText.replace('  penholders: [nato]', '  penholders: [&pen nato]\n  # *pen') +
      'x-unused: 0\n';
    // x-unused is an unknown key: aliases are fine, the rest of the schema still applies.
    const r = parseScenarioText(text.replace('x-unused: 0\n', ''), 'a.yaml');
    expect(errorsOf(r)).toEqual([]);
    const aliased = minimalText.replace(
      '    - { fired: ambush }',
      '    - { fired: ambush }\n      - &cond { factor: legitimacy, atLeast: 0.5 }\n      - *cond',
    );
    expect(errorsOf(parseScenarioText(aliased, 'b.yaml'))).toEqual([]);
  });
});

describe('file-level rejections', () => {
  it('reports a missing file at 1:1', () => {
    const r = loadScenarioFile(join(tmp, 'nope.yaml'));
    expect(errorsOf(r)).toEqual([`${join(tmp, 'nope.yaml')}:1:1 error: file not found`]);
  });

  it('reports a directory', () => {
    expect(errorsOf(loadScenarioFile(tmp))[0]).toMatch(/is a directory/);
  });

  it('rejects a file over 1 MiB by its size, before reading or parsing it', () => {
    // 3.3 MB of '[' would take the YAML parser seconds and overflow its stack: the size
    // check must come first.
    const file = join(tmp, 'big.yaml');
    writeFileSync(file, '['.repeat(Math.round(3.2 * 1024 * 1024)));
    const r = loadScenarioFile(file);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ line: 1, col: 1, path: '', severity: 'error' });
    expect(r.errors[0]!.message).toMatch(/^file is 3\.2 MiB \(\d+ bytes\); the limit is 1 MiB$/);
  });

  it('accepts exactly 1 MiB and rejects one byte more (text and bytes APIs too)', () => {
    const pad = (n: number): string => minimalText + '#'.repeat(n - minimalText.length);
    expect(errorsOf(parseScenarioText(pad(MAX_FILE_BYTES), 'a.yaml'))).toEqual([]);
    expect(errorsOf(parseScenarioText(pad(MAX_FILE_BYTES + 1), 'a.yaml'))[0]).toMatch(
      /the limit is 1 MiB/,
    );
    const bytes = Buffer.from(pad(MAX_FILE_BYTES + 1));
    expect(errorsOf(parseScenarioBytes(bytes, 'a.yaml'))[0]).toMatch(/the limit is 1 MiB/);
  });

  it('rejects NUL in text input too', () => {
    expect(errorsOf(parseScenarioText('a: 1\nb: \0\n', 'n.yaml'))).toEqual([
      'n.yaml:2:4 error: binary file: it contains a NUL byte',
    ]);
  });

  it('rejects whitespace- or comment-only files as empty', () => {
    expect(errorsOf(parseScenarioText('  \n\n', 'e.yaml'))[0]).toMatch(/file is empty/);
    expect(errorsOf(parseScenarioText('# nothing\n', 'e.yaml'))[0]).toMatch(/file is empty/);
  });
});

describe('aliases and nesting', () => {
  it('caps the number of alias nodes (resolving many is quadratic in yaml)', () => {
    const lines = ['a: &a 1'];
    for (let i = 0; i <= MAX_ALIAS_NODES; i++) lines.push(`b${i}: *a`);
    const r = parseScenarioText(lines.join('\n'), 'm.yaml');
    expect(errorsOf(r)).toEqual([
      `m.yaml:${MAX_ALIAS_NODES + 2}:7 error: too many aliases; a scenario may use at most ${MAX_ALIAS_NODES}`,
    ]);
  });

  it('rejects an alias inside its own anchor (a cycle)', () => {
    expect(errorsOf(parseScenarioText('a: &x [1, *x]\n', 'c.yaml'))).toEqual([
      'c.yaml:1:11 error: alias *x is inside its own anchor (a cycle)',
    ]);
  });

  it('counts depth through block and flow collections', () => {
    let text = '';
    for (let i = 0; i < 64; i++) text += `${' '.repeat(i)}k:\n`;
    // 64 nested mappings with a scalar at the bottom: exactly the limit.
    const atLimit = errorsOf(parseScenarioText(text + ' '.repeat(64) + 'v\n', 'd.yaml'));
    expect(atLimit).toContain("d.yaml:1:1 error: k: unknown key 'k'");
    expect(atLimit.join('\n')).not.toMatch(/nesting/);
    const r = parseScenarioText(text + ' '.repeat(64) + '[v]\n', 'd.yaml');
    expect(errorsOf(r)).toEqual([
      'd.yaml:65:65 error: nesting is too deep; the limit is 64 levels',
    ]);
  });

  it('rejects a huge compact sequence quickly', () => {
    const r = parseScenarioText('- '.repeat(200_000) + 'x', 's.yaml');
    expect(errorsOf(r)[0]).toMatch(/nesting is too deep/);
  });
});

describe('issue positions', () => {
  it('points at the parent mapping (its key) for a missing key', () => {
    const text = minimalText.replace('  rsomPerTurn: 2\n', '');
    expect(errorsOf(parseScenarioText(text, 'p.yaml'))).toEqual([
      "p.yaml:51:1 error: deployment.rsomPerTurn: missing required key 'rsomPerTurn' (a number)",
    ]);
  });

  it('reports every unknown key of an object at the key itself', () => {
    const text = minimalText.replace('  unit: day\n', '  unit: day\n  foo: 1\n  bar: 2\n');
    expect(errorsOf(parseScenarioText(text, 'k.yaml'))).toEqual([
      "k.yaml:8:3 error: clock.foo: unknown key 'foo'",
      "k.yaml:9:3 error: clock.bar: unknown key 'bar'",
    ]);
  });

  it('reports every error of a file, sorted by position', () => {
    const text = minimalText
      .replace('maxTurns: 10', 'maxTurns: 1')
      .replace('liftPerTurn: 2', 'liftPerTurn: -1');
    const r = parseScenarioText(text, 's.yaml');
    expect(errorsOf(r)).toEqual([
      's.yaml:8:13 error: clock.maxTurns: Too small: expected number to be >=2',
      's.yaml:52:16 error: deployment.liftPerTurn: Too small: expected number to be >=0',
    ]);
  });

  it('caps the report at MAX_ISSUES lines plus a summary', () => {
    const extra = Array.from({ length: 150 }, (_, i) => `extra${i}: 1`).join('\n');
    const r = parseScenarioText(`${minimalText}${extra}\n`, 'c.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(MAX_ISSUES + 1);
    expect(r.errors[MAX_ISSUES]!.message).toBe('…and 50 more issues');
  });

  it('quotes odd keys in paths', () => {
    expect(formatPath(['teams', 2, 'offers', 'infantry'])).toBe('teams[2].offers.infantry');
    expect(formatPath(['factors', 'a b', 'start'])).toBe('factors["a b"].start');
    expect(formatPath([])).toBe('');
  });

  it('formats issues with and without a path', () => {
    const base = { file: 'f.yaml', line: 3, col: 7, severity: 'error' as const };
    expect(formatIssue({ ...base, path: 'id', message: 'bad' })).toBe('f.yaml:3:7 error: id: bad');
    expect(formatIssue({ ...base, path: '', message: 'bad' })).toBe('f.yaml:3:7 error: bad');
  });
});

describe('helpers', () => {
  it('suggests close keys only', () => {
    expect(suggest('titel', ['title', 'id'])).toBe('title');
    expect(suggest('ID', ['title', 'id'])).toBe('id');
    expect(suggest('author', ['title', 'id'])).toBeUndefined();
  });

  it('finds the first invalid UTF-8 byte', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo ✓ 𝄞'))).toBe(-1);
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xc0, 0x80]))).toBe(1); // overlong
    expect(firstInvalidUtf8(Uint8Array.from([0xed, 0xa0, 0x80]))).toBe(0); // surrogate
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xe2, 0x82]))).toBe(1); // truncated
    expect(firstInvalidUtf8(Uint8Array.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // > U+10FFFF
  });
});
