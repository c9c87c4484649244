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
});
