/**
 * The runs of one variant of a batch: its chunks of columns (see columns.ts) in run order.
 * Statistics read the columns chunk by chunk, run by run; a whole record is materialised only
 * when asked for.
 */
import { recordOf, RESULT_CODES, type RunColumns, type RunResult } from './columns.js';
import { seedFor } from './plan.js';
import type { RunRecord } from './runner.js';

export class RunTable {
  /** Runs 0 … length − 1. */
  readonly length: number;

  /**
   * @param seed the plan's base seed (run i played `seedFor(seed, i)`)
   * @param chunks contiguous chunks of runs from run 0, in order
   */
  constructor(
    readonly seed: string,
    readonly chunks: readonly RunColumns[],
  ) {
    let next = 0;
    for (const c of chunks) {
      if (c.from !== next)
        throw new Error(`runs from ${next} missing (a chunk starts at ${c.from})`);
      next += c.count;
    }
    this.length = next;
  }

  /** Run i as a record. */
  record(i: number): RunRecord {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new RangeError(`no run ${i}`);
    // Binary search for the last chunk starting at or before i.
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.chunks[mid]?.from ?? 0) <= i) lo = mid;
      else hi = mid - 1;
    }
    const c = this.chunks[lo];
    if (!c) throw new RangeError(`no run ${i}`);
    return recordOf(c, i - c.from, seedFor(this.seed, i));
  }

  /** Runs with this result. */
  count(result: RunResult): number {
    const code = RESULT_CODES.indexOf(result);
    let n = 0;
    for (const c of this.chunks) for (const r of c.result) if (r === code) n++;
    return n;
  }

  /** Each run's end turn, in run order. */
  endTurns(): Float64Array {
    const out = new Float64Array(this.length);
    for (const c of this.chunks) out.set(c.endTurn, c.from);
    return out;
  }
}
