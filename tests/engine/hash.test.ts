/**
 * The canonical JSON behind state hashes remembers the JSON of frozen values (states share
 * them from step to step). Whatever is frozen or not, and however often a value is written,
 * the result is that of a fresh canonical writing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../engine/index.js';

/** Canonical JSON written from scratch: keys sorted, undefined properties left out. */
function reference(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => reference(x ?? null)).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${reference(o[k])}`)
    .join(',')}}`;
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

const json = fc.jsonValue({ maxDepth: 4 });

describe('canonicalJson', () => {
  it('is the canonical JSON of a value, frozen or not, written once or again', () => {
    fc.assert(
      fc.property(json, fc.boolean(), (value, freeze) => {
        const v = freeze ? deepFreeze(structuredClone(value)) : structuredClone(value);
        expect(canonicalJson(v)).toBe(reference(value));
        expect(canonicalJson(v)).toBe(reference(value));
        // Shared inside a larger value, as states share their unchanged parts.
        expect(canonicalJson({ a: v, b: [v] })).toBe(reference({ a: value, b: [value] }));
      }),
      { numRuns: 300 },
    );
  });

  it('sees a change under a frozen object that is not frozen throughout', () => {
    const inner = { n: 1 };
    const outer = Object.freeze({ inner, list: Object.freeze([1, 2]) });
    expect(canonicalJson(outer)).toBe('{"inner":{"n":1},"list":[1,2]}');
    inner.n = 2;
    expect(canonicalJson(outer)).toBe('{"inner":{"n":2},"list":[1,2]}');
  });
});
