/**
 * Every file in malformed/ is a small variation of fixtures/minimal.yaml with one defect.
 * The table pins the first issue each file produces: line, column and a message fragment.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue, loadScenarioFile } from '../../src/scenario/load.js';

const dir = join(import.meta.dirname, 'malformed');

interface Expected {
  line: number;
  col: number;
  message: string;
  /** Expected document path of the issue ('' for file-level and YAML problems). */
  path?: string;
}

const table: Record<string, Expected> = {
  'yaml-syntax-error.yaml': { line: 46, col: 1, message: 'Flow sequence' },
  'tab-indentation.yaml': { line: 7, col: 1, message: 'tabs are not allowed as indentation' },
  'duplicate-key.yaml': { line: 5, col: 1, message: "duplicate key 'title'" },
  'unknown-top-level-key.yaml': {
    line: 5,
    col: 1,
    message: "unknown key 'author'",
    path: 'author',
  },
  'unknown-nested-key.yaml': {
    line: 54,
    col: 3,
    message: "unknown key 'speed'",
    path: 'deployment.speed',
  },
  'unknown-key-typo.yaml': {
    line: 9,
    col: 3,
    message: "did you mean 'turnLength'?",
    path: 'clock.turnLenght',
  },
  'unknown-capability-in-offers.yaml': {
    line: 28,
    col: 7,
    message: "unknown key 'infantri'; did you mean 'infantry'?",
    path: 'teams[1].offers.infantri',
  },
  'wrong-type.yaml': {
    line: 8,
    col: 13,
    message: 'expected number, received string',
    path: 'clock.maxTurns',
  },
  'factor-start-out-of-range.yaml': {
    line: 15,
    col: 39,
    message: 'expected number to be <=1',
    path: 'factors.security.start',
  },
  'missing-clock.yaml': { line: 2, col: 1, message: "missing required key 'clock'", path: 'clock' },
  'missing-nested-key.yaml': {
    line: 22,
    col: 5,
    message: "missing required key 'name'",
    path: 'teams[1].name',
  },
  'missing-core-factor.yaml': {
    line: 9,
    col: 1,
    message: "missing core factor 'localTrust'",
    path: 'factors',
  },
  'unsc-14-members.yaml': {
    line: 29,
    col: 3,
    message: 'the Security Council has 15 members',
    path: 'unsc.members',
  },
  'unsc-4-permanent.yaml': {
    line: 29,
    col: 3,
    message: '5 permanent members, not 4',
    path: 'unsc.members',
  },
  'duplicate-team-id.yaml': {
    line: 22,
    col: 9,
    message: "duplicate team id 'nato'",
    path: 'teams[1].id',
  },
  'no-alliance-team.yaml': {
    line: 18,
    col: 1,
    message: 'needs one team of kind alliance',
    path: 'teams',
  },
  'unknown-factor-in-weight.yaml': {
    line: 62,
    col: 18,
    message: "unknown factor 'securty'",
    path: 'events[0].resolution.weights.securty',
  },
  'prototype-name-as-factor.yaml': {
    line: 62,
    col: 18,
    message: "invalid key 'constructor': this id is a reserved name",
    path: 'events[0].resolution.weights.constructor',
  },
  'unknown-team-in-penholders.yaml': {
    line: 45,
    col: 22,
    message: "unknown team 'natto'",
    path: 'unsc.penholders[1]',
  },
  'unknown-event-in-fired.yaml': {
    line: 70,
    col: 18,
    message: "unknown event 'ambsh'",
    path: 'endConditions.success.all[1].fired',
  },
  'effect-unknown-resource.yaml': {
    line: 66,
    col: 22,
    message: "unknown resource 'fuel'",
    path: 'events[0].effects.failure.resources.fuel',
  },
  'visibility-not-a-team.yaml': {
    line: 58,
    col: 17,
    message: 'expected one of "public"|"control", or expected array',
    path: 'events[0].visibility',
  },
  'bad-id-format.yaml': { line: 3, col: 5, message: 'an id is a letter followed by', path: 'id' },
  'negative-required-units.yaml': {
    line: 50,
    col: 17,
    message: 'expected number to be >=1',
    path: 'forceGeneration.cjsor[0].required',
  },
  'bad-enum-capability.yaml': {
    line: 49,
    col: 19,
    message: 'Invalid option: expected one of "infantry"',
    path: 'forceGeneration.cjsor[0].capability',
  },
  'alias-bomb.yaml': { line: 7, col: 10, message: 'alias bomb' },
  'undefined-alias.yaml': {
    line: 45,
    col: 15,
    message: 'alias *holders refers to no earlier anchor',
  },
  'complex-key.yaml': { line: 16, col: 3, message: 'a key must be a plain scalar' },
  'deeply-nested.yaml': {
    line: 5,
    col: 71,
    message: 'nesting is too deep; the limit is 64 levels',
  },
  'deeply-nested-flood.yaml': { line: 5, col: 263, message: 'nesting is too deep' },
  'empty.yaml': { line: 1, col: 1, message: 'file is empty' },
  'json-array-root.yaml': { line: 1, col: 1, message: 'not a sequence' },
  'scalar-root.yaml': { line: 1, col: 1, message: 'not a scalar' },
  'multiple-documents.yaml': { line: 71, col: 1, message: 'holds one YAML document' },
  'binary-garbage.yaml': { line: 3, col: 1, message: 'binary file: it contains a NUL byte' },
  'invalid-utf8.yaml': { line: 4, col: 18, message: 'not UTF-8 text (invalid byte 0xe9)' },
};

describe('malformed scenarios', () => {
  it('has a table row for every file in malformed/ (and a file for every row)', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual(Object.keys(table).sort());
    expect(files.length).toBeGreaterThanOrEqual(22);
  });

  it.each(Object.entries(table))('%s', (name, want) => {
    const file = join(dir, name);
    const result = loadScenarioFile(file);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const first = result.errors[0]!;
    expect({ line: first.line, col: first.col }).toEqual({ line: want.line, col: want.col });
    expect(first.message).toContain(want.message);
    expect(first.severity).toBe('error');
    expect(first.file).toBe(file);
    expect(first.path).toBe(want.path ?? '');
    expect(formatIssue(first)).toMatch(
      new RegExp(`^${escape(file)}:${want.line}:${want.col} error: `),
    );
    for (const e of result.errors) {
      expect(e.line).toBeGreaterThanOrEqual(1);
      expect(e.col).toBeGreaterThanOrEqual(1);
      expect(e.message).not.toMatch(/internal error/);
    }
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
