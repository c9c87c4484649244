/**
 * sha256 of the state's canonical JSON: object keys sorted by UTF-16 code units and numbers
 * in ECMAScript form, as RFC 8785 (JCS) prescribes for the plain JSON data a state holds.
 */
import { createHash } from 'node:crypto';
import type { SessionState } from './state.js';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError('non-finite number in state');
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .flatMap((k) => {
      const v = (value as Record<string, unknown>)[k];
      return v === undefined ? [] : [`${JSON.stringify(k)}:${canonicalJson(v)}`];
    });
  return `{${entries.join(',')}}`;
}

export function hashState(state: SessionState): string {
  return createHash('sha256').update(canonicalJson(state)).digest('hex');
}
