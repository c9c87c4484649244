/**
 * Small, exact statistics for batch results: proportions with Wilson score intervals, and
 * summaries of samples (mean, spread, quantiles, histograms). Every function is a pure
 * function of its input in the order given, so batch results are reproducible to the bit.
 */

/** A proportion k of n with its 95 % Wilson score interval. */
export interface Proportion {
  readonly count: number;
  readonly n: number;
  /** k / n (0 when n = 0). */
  readonly p: number;
  /** The 95 % Wilson score interval [low, high] (the whole of [0, 1] when n = 0). */
  readonly ci: readonly [number, number];
}

/** z for a two-sided 95 % interval. */
export const Z95 = 1.959964;

/**
 * The Wilson score interval for k successes in n trials: unlike the normal ("Wald") interval it
 * stays inside [0, 1] and keeps its coverage for small n and for p near 0 or 1.
 *
 *   centre = (p̂ + z²/2n) / (1 + z²/n)
 *   half   = z / (1 + z²/n) · √( p̂(1 − p̂)/n + z²/4n² )
 */
export function wilson(k: number, n: number, z = Z95): readonly [number, number] {
  if (n <= 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [round6(Math.max(0, centre - half)), round6(Math.min(1, centre + half))];
}

export function proportion(count: number, n: number): Proportion {
  return { count, n, p: n > 0 ? round6(count / n) : 0, ci: wilson(count, n) };
}

/** Rounds to 6 decimals: reported figures are stable to print and compare. */
export const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export interface Summary {
  readonly n: number;
  readonly mean: number;
  readonly sd: number;
  readonly min: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  readonly max: number;
}

/** The q-quantile of sorted values (linear interpolation between order statistics). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (b - a) * (pos - lo);
}

/** Mean, standard deviation (n − 1) and quantiles; NaN-free (all zero) for an empty sample. */
export function summarize(values: ArrayLike<number>): Summary {
  const n = values.length;
  if (n === 0) return { n: 0, mean: 0, sd: 0, min: 0, p10: 0, p50: 0, p90: 0, max: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] ?? 0;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] ?? 0) - mean;
    ss += d * d;
  }
  const sorted = Float64Array.from(values).sort();
  return {
    n,
    mean: round6(mean),
    sd: round6(n > 1 ? Math.sqrt(ss / (n - 1)) : 0),
    min: sorted[0] ?? 0,
    p10: round6(quantileSorted(sorted, 0.1)),
    p50: round6(quantileSorted(sorted, 0.5)),
    p90: round6(quantileSorted(sorted, 0.9)),
    max: sorted[n - 1] ?? 0,
  };
}

/** Counts of each distinct integer value, ascending. */
export function integerHistogram(values: ArrayLike<number>): { value: number; count: number }[] {
  const counts = new Map<number, number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([value, count]) => ({ value, count }));
}

/**
 * Counts in `bins` equal bins over [0, 1] (a value of exactly 1 falls in the last bin). Factor
 * values live in [0, 1].
 */
export function unitHistogram(values: ArrayLike<number>, bins = 20): number[] {
  const out = new Array<number>(bins).fill(0);
  for (let k = 0; k < values.length; k++) {
    const v = values[k] ?? 0;
    const i = Math.min(bins - 1, Math.max(0, Math.floor(v * bins)));
    out[i] = (out[i] ?? 0) + 1;
  }
  return out;
}

/**
 * The difference p1 − p2 of two proportions with Newcombe's hybrid score interval (his
 * method 10, built from the two Wilson intervals): well-behaved for small n and extreme p.
 */
export function difference(a: Proportion, b: Proportion): { d: number; ci: [number, number] } {
  const d = a.p - b.p;
  const [l1, u1] = a.ci;
  const [l2, u2] = b.ci;
  const lo = d - Math.sqrt((a.p - l1) ** 2 + (u2 - b.p) ** 2);
  const hi = d + Math.sqrt((u1 - a.p) ** 2 + (b.p - l2) ** 2);
  return { d: round6(d), ci: [round6(Math.max(-1, lo)), round6(Math.min(1, hi))] };
}
