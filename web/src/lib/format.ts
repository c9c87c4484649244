/** How numbers and names read on screen. */

/** 0.4567 → "46%". */
export const percent = (x: number): string => `${Math.round(x * 100)}%`;

/** A factor value (0..1) to two decimals: 0.4567 → "0.46". */
export const factorValue = (x: number): string => x.toFixed(2);

/** A signed contribution in percentage points: 0.021 → "+2%", -0.01 → "−1%". */
export const signedPercent = (x: number): string => {
  const p = Math.round(x * 100);
  return p >= 0 ? `+${p}%` : `−${Math.abs(p)}%`;
};

/** "team:arl" → "arl"; other roles unchanged. */
export const teamIdOf = (role: string): string | undefined =>
  role.startsWith('team:') ? role.slice(5) : undefined;

const CAVEATS: Readonly<Record<string, string>> = {
  noNightOps: 'no night operations',
  noOffensiveOps: 'no offensive operations',
  regionRestricted: 'restricted to its region',
  noCombat: 'no combat',
  noCrossBorder: 'no cross-border operations',
  noDetention: 'no detention',
  capitalOnly: 'capital only',
};

/** A national caveat in plain words. */
export const caveatLabel = (caveat: string): string => CAVEATS[caveat] ?? caveat;

/** A camelCase id in words: "tacticalHelicopters" → "tactical helicopters". */
export const words = (id: string): string =>
  id.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

/** The scenario date of a turn ("2030-03-18"), when the scenario gives a start date. */
export function turnDate(
  clock: {
    readonly unit: string;
    readonly turnLength: number;
    readonly start?: string | undefined;
  },
  turn: number,
): string | undefined {
  if (clock.start === undefined || turn < 1) return undefined;
  const date = new Date(`${clock.start}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return undefined;
  const n = (turn - 1) * clock.turnLength;
  if (clock.unit === 'month') date.setUTCMonth(date.getUTCMonth() + n);
  else {
    const hours = { hour: 1, day: 24, week: 168 }[clock.unit] ?? 24;
    date.setTime(date.getTime() + n * hours * 3_600_000);
  }
  return clock.unit === 'hour'
    ? date.toISOString().slice(0, 16).replace('T', ' ')
    : date.toISOString().slice(0, 10);
}
