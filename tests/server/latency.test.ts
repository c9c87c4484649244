/** The meters behind /healthz's latency figures (server/latency.ts). */
import { describe, expect, it } from 'vitest';
import { GcPauses, LoopDelay } from '../../server/latency.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('latency meters', () => {
  it("GcPauses records this thread's scavenges, and starts over at a reset", async () => {
    const gc = new GcPauses();
    try {
      // Short-lived garbage, far more than a young generation holds: scavenges follow. Kept
      // in a ring for a while, so that the optimizing compiler cannot do without them (escape
      // analysis made a loop of unused allocations allocate nothing, at times).
      const ring: { i: number }[] = new Array<{ i: number }>(1024);
      for (let i = 0; i < 2_000_000; i++) ring[i & 1023] = { i };
      expect(ring[1_999_999 & 1023]?.i).toBe(1_999_999);
      await sleep(50); // V8's entries reach the observer after the collection
      const { young, full } = gc.summary();
      expect(young.count).toBeGreaterThan(0);
      expect(young.max).toBeGreaterThan(0);
      expect(young.p50).toBeLessThanOrEqual(young.max);
      expect(full.count).toBeGreaterThanOrEqual(0);
      gc.reset();
      expect(gc.summary().young.count).toBe(0);
    } finally {
      gc.stop();
    }
  });

  it('LoopDelay.busy is the share of the time the event loop worked since the last reset', async () => {
    const loop = new LoopDelay();
    try {
      await sleep(200);
      expect(loop.busy()).toBeLessThan(0.5);
      loop.reset();
      for (const until = performance.now() + 200; performance.now() < until;);
      await sleep(20);
      expect(loop.busy()).toBeGreaterThan(0.5);
      expect(loop.busy()).toBeLessThanOrEqual(1);
    } finally {
      loop.stop();
    }
  });
});
