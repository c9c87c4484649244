/** The event tail: packed events give each role exactly `eventsFor`, and the tail keeps enough. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { eventsFor, type EngineEvent, type Role } from '../../engine/index.js';
import { EventTail, eventsJson, packEvents } from '../../server/event-tail.js';

// Team ids as the scenario schema allows them, including ones that read like audiences.
const teamId = fc.oneof(
  fc.constantFrom('all', 'control', 'arl', 'ar', 'bor', 'bo'),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,8}$/),
);
const event: fc.Arbitrary<EngineEvent> = fc.record({
  kind: fc.constantFrom('resolution', 'inject', 'effect', 'ruling'),
  turn: fc.nat(100),
  audience: fc.oneof(
    fc.constantFrom('all' as const, 'control' as const),
    fc.uniqueArray(teamId, { maxLength: 3 }),
  ),
  // Any text, control characters and quotes included: JSON escapes them.
  text: fc.string({ unit: 'binary', maxLength: 30 }),
});
const role: fc.Arbitrary<Role> = fc.oneof(
  fc.constantFrom<Role>('facilitator', 'observer'),
  teamId.map((t) => `team:${t}` as Role),
);

describe('event tail', () => {
  test.prop([fc.array(event, { maxLength: 5 }), role], { numRuns: 300 })(
    'a role gets exactly the events eventsFor gives it, as JSON',
    (events, r) => {
      expect(eventsJson(packEvents(events), r)).toBe(JSON.stringify(eventsFor(events, r)));
    },
  );

  test.prop([fc.integer({ min: 1, max: 20 }), fc.nat(100), fc.nat(60)], { numRuns: 100 })(
    'holds at least the last `keep` commands, each under its own seq',
    (keep, skipped, pushed) => {
      const tail = new EventTail(keep);
      if (skipped > 0) tail.skipTo(skipped);
      for (let seq = skipped + 1; seq <= skipped + pushed; seq++) tail.push(`#${seq}`);
      const last = skipped + pushed;
      expect(tail.start).toBeLessThanOrEqual(Math.max(skipped + 1, last - keep + 1));
      expect(tail.start).toBeGreaterThanOrEqual(skipped + 1);
      for (let seq = tail.start; seq <= last; seq++) expect(tail.get(seq)).toBe(`#${seq}`);
      expect(tail.get(tail.start - 1)).toBeUndefined();
      expect(tail.get(last + 1)).toBeUndefined();
    },
  );

  // Events of any text and size (the tail stores them as UTF-8 in 16 KiB chunks, and a list
  // larger than a chunk apart), pushed and skipped in any order, over several tails at once
  // (they share the chunks trimmed tails give back).
  const packed = fc.oneof(
    { weight: 8, arbitrary: fc.string({ unit: 'binary', maxLength: 1500, size: 'max' }) },
    { weight: 1, arbitrary: fc.constant('') },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }), fc.nat(9000))
        .map(([unit, n]) => unit.repeat(n)),
    },
  );
  test.prop(
    [
      fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 3 }),
      fc.array(
        fc.record({
          tail: fc.nat(2),
          op: fc.oneof(
            packed.map((text) => ({ push: text })),
            fc.nat(50).map((ahead) => ({ skip: ahead })),
          ),
        }),
        { minLength: 20, maxLength: 300 },
      ),
    ],
    { numRuns: 30 },
  )('gives back every event list it holds as pushed, whatever its text and size', (keeps, ops) => {
    const tails = keeps.map((keep) => ({
      keep,
      tail: new EventTail(keep),
      held: new Map<number, string>(),
      last: 0,
      from: 1,
    }));
    for (const { tail: which, op } of ops) {
      const t = tails[which % tails.length];
      if (!t) continue;
      if ('push' in op) {
        t.tail.push(op.push);
        t.held.set(++t.last, op.push);
      } else {
        t.last += op.skip;
        t.tail.skipTo(t.last);
        t.from = t.last + 1;
      }
      expect(t.tail.start).toBeGreaterThanOrEqual(t.from);
      expect(t.tail.start).toBeLessThanOrEqual(Math.max(t.from, t.last - t.keep + 1));
      for (let seq = t.tail.start; seq <= t.last; seq++)
        expect(t.tail.get(seq)).toBe(t.held.get(seq));
      expect(t.tail.get(t.tail.start - 1)).toBeUndefined();
      expect(t.tail.get(t.last + 1)).toBeUndefined();
    }
  });
});
