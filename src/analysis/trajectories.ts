/**
 * Factor trajectories of a batch: per factor, the distribution of its value at the start of
 * each turn over the runs (a run that ended earlier keeps its end values), accumulated chunk by
 * chunk in run order while the batch plays. Quantiles are read from histograms.
 *
 * The last turn is only known once every run is in. When a run reaches a turn no run before it
 * did, each run before it contributes its end values to that turn: the turn starts as a copy of
 * the running sums and histograms of the end values, which adds the same numbers in the same
 * order as a pass over all runs would.
 */
import type { RunColumns } from './columns.js';
import { round6 } from './stats.js';

export interface TrajectoryPoint {
  readonly turn: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  readonly mean: number;
}

export interface Trajectory {
  readonly factor: string;
  readonly points: readonly TrajectoryPoint[];
}

/** Histogram bins over [0, 1] (factors are in [0, 1]). */
const BINS = 1000;

/** Per factor k, the sum of the values seen and their histogram (at k × (BINS + 1) + bin). */
interface Cell {
  readonly sums: Float64Array;
  readonly counts: Uint32Array;
}

export class Trajectories {
  /** Runs with a history. */
  private n = 0;
  /** Cell of each turn reached so far. */
  private readonly turns: Cell[] = [];
  /** The end values of the runs so far. */
  private readonly end: Cell;

  /** @param factorIds the scenario's factors, in their order */
  constructor(private readonly factorIds: readonly string[]) {
    this.end = cell(factorIds.length);
  }

  /** The next chunk of runs (in run order). */
  add(c: RunColumns): void {
    const width = this.factorIds.length;
    if (width === 0) return;
    for (let j = 0; j < c.count; j++) {
      const h = c.historyAt[j] ?? 0;
      const turns = ((c.historyAt[j + 1] ?? 0) - h) / width;
      if (turns === 0) continue;
      while (this.turns.length < turns) {
        this.turns.push({ sums: this.end.sums.slice(), counts: this.end.counts.slice() });
      }
      const endAt = j * c.factorWidth;
      this.turns.forEach((cell, t) => {
        for (let k = 0; k < width; k++) {
          add(
            cell,
            k,
            t < turns ? (c.history[h + t * width + k] ?? 0) : (c.factors[endAt + k] ?? 0),
          );
        }
      });
      for (let k = 0; k < width; k++) add(this.end, k, c.factors[endAt + k] ?? 0);
      this.n++;
    }
  }

  /** Per factor, p10, p50, p90 and mean at the start of each turn. */
  result(): Trajectory[] {
    const n = this.n;
    if (n === 0) return [];
    const quantile = (cell: Cell, k: number, q: number): number => {
      const rank = q * (n - 1);
      let seen = 0;
      for (let b = 0; b <= BINS; b++) {
        seen += cell.counts[k * (BINS + 1) + b] ?? 0;
        if (seen > rank) return b / BINS;
      }
      return 1;
    };
    return this.factorIds.map((factor, k) => ({
      factor,
      points: this.turns.map((cell, t) => ({
        turn: t + 1,
        p10: quantile(cell, k, 0.1),
        p50: quantile(cell, k, 0.5),
        p90: quantile(cell, k, 0.9),
        mean: round6((cell.sums[k] ?? 0) / n),
      })),
    }));
  }
}

function cell(width: number): Cell {
  return { sums: new Float64Array(width), counts: new Uint32Array(width * (BINS + 1)) };
}

function add(cell: Cell, k: number, v: number): void {
  cell.sums[k] = (cell.sums[k] ?? 0) + v;
  const bin = k * (BINS + 1) + Math.round(Math.min(1, Math.max(0, v)) * BINS);
  cell.counts[bin] = (cell.counts[bin] ?? 0) + 1;
}
