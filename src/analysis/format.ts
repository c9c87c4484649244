/** Number formats and plain-text tables shared by the batch and report renderers. */

/** 0.3612 → "36.1%". */
export const pct = (p: number, digits = 1): string => `${(p * 100).toFixed(digits)}%`;

/** [0.33, 0.39] → "33.1–39.0%". */
export const ci = (c: readonly [number, number]): string =>
  `${(c[0] * 100).toFixed(1).replace('-', '−')} to ${(c[1] * 100).toFixed(1).replace('-', '−')}%`.replace(
    /^(\d[\d.]*) to (\d)/,
    '$1–$2',
  );

/** A signed difference in percentage points: 0.153 → "+15.3 pts". */
export const pts = (d: number): string =>
  `${d >= 0 ? '+' : '−'}${Math.abs(d * 100).toFixed(1)} pts`;

export const num = (x: number, digits = 2): string => x.toFixed(digits);

/** A left/right aligned plain-text table; `align` has one 'l' or 'r' per column. */
export function table(rows: readonly (readonly string[])[], align: string, indent = '  '): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  }
  return rows
    .map((row) =>
      (
        indent +
        row
          .map((cell, i) => {
            const pad = ' '.repeat((widths[i] ?? 0) - [...cell].length);
            return align[i] === 'r' ? pad + cell : cell + pad;
          })
          .join('  ')
      ).trimEnd(),
    )
    .join('\n');
}

/** Escapes text for HTML (element content and attribute values). */
export function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
