/** The arithmetic of the small SVG charts: scales, ticks and line paths. */

export type Scale = (value: number) => number;

/** Maps [d0, d1] linearly onto [r0, r1]; a flat domain maps to the middle. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): Scale {
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** At most `count` whole-number ticks from `from` to `to`, evenly spaced, both ends included. */
export function integerTicks(from: number, to: number, count: number): number[] {
  if (to <= from) return [from];
  const step = Math.max(1, Math.ceil((to - from) / Math.max(1, count - 1)));
  const ticks: number[] = [];
  for (let t = from; t < to; t += step) ticks.push(t);
  ticks.push(to);
  return ticks;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

/** An SVG path through the points (in data units), drawn with the two scales. */
export function linePath(points: readonly Point[], sx: Scale, sy: Scale): string {
  return points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${round2(sx(p.x))},${round2(sy(p.y))}`)
    .join(' ');
}

export interface Series {
  readonly id: string;
  readonly label: string;
  readonly points: readonly Point[];
}

/** One series per factor from the view's history (factors at the start of each turn). */
export function factorSeries(
  history: readonly { turn: number; factors: Readonly<Record<string, number>> }[],
  labels: Readonly<Record<string, { label: string }>>,
): Series[] {
  return Object.entries(labels).map(([id, f]) => ({
    id,
    label: f.label,
    points: history.flatMap((h) => {
      const y = h.factors[id];
      return y === undefined ? [] : [{ x: h.turn, y }];
    }),
  }));
}
