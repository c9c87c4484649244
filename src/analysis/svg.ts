/**
 * Hand-written inline SVG charts for the HTML reports: no script, no dependency, so a report is
 * one self-contained file that any browser opens. Every chart is a pure function of its data
 * to a string, with a <title> for screen readers and tooltips on its marks.
 */
import { esc } from './format.js';

export const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#7f7f7f',
  '#bcbd22',
];
export const OUTCOME_COLOURS: Readonly<Record<string, string>> = {
  success: '#2e7d32',
  partial: '#f9a825',
  failure: '#c62828',
  unfinished: '#9e9e9e',
};

const f1 = (x: number): string => (Math.round(x * 10) / 10).toString();
const FONT = 'font-family="system-ui, sans-serif" font-size="12"';

function svg(width: number, height: number, title: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ${FONT}>` +
    `<title>${esc(title)}</title>${body}</svg>`
  );
}

function text(
  x: number,
  y: number,
  s: string,
  anchor: 'start' | 'middle' | 'end' = 'start',
  extra = '',
): string {
  return `<text x="${f1(x)}" y="${f1(y)}" text-anchor="${anchor}" ${extra}>${esc(s)}</text>`;
}

export interface BarRow {
  readonly label: string;
  readonly value: number;
  /** An interval drawn as a whisker (e.g. a 95 % CI). */
  readonly lo?: number;
  readonly hi?: number;
  readonly colour?: string | undefined;
  /** Text after the bar; default: the value as a percentage. */
  readonly note?: string;
  readonly tooltip?: string;
}

/** Horizontal bars on [0, max], with optional interval whiskers. */
export function barChart(
  title: string,
  rows: readonly BarRow[],
  options: { max?: number; labelWidth?: number; width?: number } = {},
): string {
  const max = options.max ?? 1;
  const labelW = options.labelWidth ?? 220;
  const width = options.width ?? 720;
  const plotW = width - labelW - 110;
  const rowH = 24;
  const height = rows.length * rowH + 30;
  const x = (v: number): number => labelW + (Math.max(0, Math.min(max, v)) / max) * plotW;
  let body = '';
  for (let t = 0; t <= 4; t++) {
    const gx = labelW + (t / 4) * plotW;
    body += `<line x1="${f1(gx)}" y1="4" x2="${f1(gx)}" y2="${height - 22}" stroke="#ddd"/>`;
    body += text(
      gx,
      height - 8,
      max === 1 ? `${t * 25}%` : f1((t / 4) * max),
      'middle',
      'fill="#555"',
    );
  }
  rows.forEach((r, i) => {
    const y = 6 + i * rowH;
    const colour = r.colour ?? PALETTE[i % PALETTE.length] ?? '#1f77b4';
    body += text(labelW - 8, y + 14, r.label, 'end');
    const tip =
      r.tooltip ?? `${r.label}: ${f1(r.value * (max === 1 ? 100 : 1))}${max === 1 ? '%' : ''}`;
    body += `<rect class="bar" x="${labelW}" y="${y + 3}" width="${f1(x(r.value) - labelW)}" height="${rowH - 8}" fill="${colour}"><title>${esc(tip)}</title></rect>`;
    if (r.lo !== undefined && r.hi !== undefined) {
      const cy = y + rowH / 2 - 1;
      body += `<path d="M${f1(x(r.lo))} ${f1(cy)}H${f1(x(r.hi))}M${f1(x(r.lo))} ${f1(cy - 5)}V${f1(cy + 5)}M${f1(x(r.hi))} ${f1(cy - 5)}V${f1(cy + 5)}" stroke="#222" stroke-width="1.5" fill="none"/>`;
    }
    const note = r.note ?? `${f1(r.value * 100)}%`;
    body += text(
      Math.max(x(r.value), r.hi === undefined ? 0 : x(r.hi)) + 6,
      y + 14,
      note,
      'start',
      'fill="#333"',
    );
  });
  return svg(width, height, title, body);
}

/** Vertical bars of counts, e.g. a histogram of end turns. */
export function columnChart(
  title: string,
  bins: readonly { label: string; count: number; colour?: string | undefined }[],
  options: { xLabel?: string; width?: number; height?: number } = {},
): string {
  const width = options.width ?? 720;
  const height = options.height ?? 220;
  const left = 48;
  const bottom = 40;
  const plotW = width - left - 12;
  const plotH = height - bottom - 12;
  const max = Math.max(1, ...bins.map((b) => b.count));
  const bw = plotW / Math.max(1, bins.length);
  let body = '';
  for (let t = 0; t <= 4; t++) {
    const y = 12 + plotH - (t / 4) * plotH;
    body += `<line x1="${left}" y1="${f1(y)}" x2="${width - 12}" y2="${f1(y)}" stroke="#eee"/>`;
    body += text(left - 6, y + 4, String(Math.round((t / 4) * max)), 'end', 'fill="#555"');
  }
  const every = Math.max(1, Math.ceil(bins.length / 24));
  bins.forEach((b, i) => {
    const h = (b.count / max) * plotH;
    const x = left + i * bw;
    body += `<rect class="bar" x="${f1(x + 1)}" y="${f1(12 + plotH - h)}" width="${f1(Math.max(1, bw - 2))}" height="${f1(h)}" fill="${b.colour ?? PALETTE[0] ?? '#1f77b4'}"><title>${esc(`${b.label}: ${b.count}`)}</title></rect>`;
    if (i % every === 0)
      body += text(x + bw / 2, 12 + plotH + 16, b.label, 'middle', 'fill="#555"');
  });
  if (options.xLabel)
    body += text(left + plotW / 2, height - 4, options.xLabel, 'middle', 'fill="#333"');
  return svg(width, height, title, body);
}

export interface Series {
  readonly name: string;
  readonly colour?: string | undefined;
  readonly points: readonly { x: number; y: number }[];
  /** A shaded band around the line (e.g. the 10–90 % range). */
  readonly band?: readonly { x: number; lo: number; hi: number }[];
  readonly dashed?: boolean;
}

/** Lines over x (turns), y in [yMin, yMax], with optional bands, markers and a legend. */
export function lineChart(
  title: string,
  series: readonly Series[],
  options: {
    xLabel?: string;
    yMin?: number;
    yMax?: number;
    width?: number;
    height?: number;
    markers?: readonly { x: number; label: string }[];
    percent?: boolean;
    xMin?: number;
    xMax?: number;
  } = {},
): string {
  const width = options.width ?? 720;
  const legendRows = Math.ceil(series.length / 4);
  const height = (options.height ?? 260) + 16 + legendRows * 18;
  const left = 44;
  const top = 12;
  const bottom = 52 + legendRows * 18;
  const plotW = width - left - 16;
  const plotH = height - top - bottom;
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const xMin = options.xMin ?? (xs.length ? Math.min(...xs) : 0);
  const xMax = Math.max(options.xMax ?? (xs.length ? Math.max(...xs) : 1), xMin + 1e-9);
  const yMin = options.yMin ?? 0;
  const yMax = options.yMax ?? 1;
  const X = (v: number): number => left + ((v - xMin) / (xMax - xMin)) * plotW;
  const Y = (v: number): number => top + plotH - ((v - yMin) / (yMax - yMin)) * plotH;
  let body = '';
  for (let t = 0; t <= 4; t++) {
    const v = yMin + (t / 4) * (yMax - yMin);
    body += `<line x1="${left}" y1="${f1(Y(v))}" x2="${width - 16}" y2="${f1(Y(v))}" stroke="#eee"/>`;
    body += text(
      left - 6,
      Y(v) + 4,
      options.percent ? `${Math.round(v * 100)}%` : Number.isInteger(v) ? String(v) : v.toFixed(2),
      'end',
      'fill="#555"',
    );
  }
  for (const v of ticks(xMin, xMax, width > 500 ? 12 : 6)) {
    body += text(
      X(v),
      top + plotH + 16,
      Number.isInteger(v) ? String(v) : v.toFixed(2),
      'middle',
      'fill="#555"',
    );
  }
  for (const m of options.markers ?? []) {
    body += `<line x1="${f1(X(m.x))}" y1="${top}" x2="${f1(X(m.x))}" y2="${top + plotH}" stroke="#999" stroke-dasharray="3 3"><title>${esc(m.label)}</title></line>`;
  }
  series.forEach((s, i) => {
    const colour = s.colour ?? PALETTE[i % PALETTE.length] ?? '#1f77b4';
    if (s.band && s.band.length > 0) {
      const upper = s.band.map((b) => `${f1(X(b.x))},${f1(Y(b.hi))}`);
      const lower = [...s.band].reverse().map((b) => `${f1(X(b.x))},${f1(Y(b.lo))}`);
      body += `<polygon points="${[...upper, ...lower].join(' ')}" fill="${colour}" fill-opacity="0.15" stroke="none"/>`;
    }
    if (s.points.length > 0) {
      const d = s.points.map((p, k) => `${k ? 'L' : 'M'}${f1(X(p.x))} ${f1(Y(p.y))}`).join('');
      body += `<path class="line" d="${d}" fill="none" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}><title>${esc(s.name)}</title></path>`;
    }
    const lx = left + (i % 4) * (plotW / 4);
    const ly = top + plotH + 52 + Math.floor(i / 4) * 18;
    body += `<rect x="${f1(lx)}" y="${f1(ly - 9)}" width="14" height="4" fill="${colour}"/>`;
    body += text(lx + 18, ly - 4, s.name);
  });
  if (options.xLabel)
    body += text(left + plotW / 2, top + plotH + 30, options.xLabel, 'middle', 'fill="#333"');
  return svg(width, height, title, body);
}

/** Round tick values between lo and hi, at most about `count` of them. */
export function ticks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) {
    out.push(Math.round(v * 1e6) / 1e6);
  }
  return out;
}

export interface TornadoRow {
  readonly label: string;
  /** The outcome measure at the low and the high end of the sweep. */
  readonly low: number;
  readonly high: number;
  readonly lowLabel: string;
  readonly highLabel: string;
}

/**
 * A tornado chart: one bar per factor from its low-end to its high-end result, around the
 * baseline, largest swing on top.
 */
export function tornadoChart(
  title: string,
  rows: readonly TornadoRow[],
  baseline: number,
  options: { width?: number; labelWidth?: number } = {},
): string {
  const width = options.width ?? 720;
  const labelW = options.labelWidth ?? 200;
  const plotW = width - labelW - 60;
  const rowH = 30;
  const height = rows.length * rowH + 46;
  const values = rows.flatMap((r) => [r.low, r.high]).concat(baseline);
  const lo = Math.max(0, Math.floor(Math.min(...values) * 10) / 10 - 0.05);
  const hi = Math.min(1, Math.ceil(Math.max(...values) * 10) / 10 + 0.05);
  const X = (v: number): number => labelW + ((v - lo) / Math.max(1e-9, hi - lo)) * plotW;
  let body = '';
  for (const v of ticks(lo, hi, 5)) {
    body += `<line x1="${f1(X(v))}" y1="8" x2="${f1(X(v))}" y2="${height - 30}" stroke="#eee"/>`;
    body += text(X(v), height - 16, `${Math.round(v * 100)}%`, 'middle', 'fill="#555"');
  }
  rows.forEach((r, i) => {
    const y = 10 + i * rowH;
    body += text(labelW - 8, y + 17, r.label, 'end');
    const a = Math.min(r.low, r.high);
    const b = Math.max(r.low, r.high);
    const up = r.high >= r.low;
    body += `<rect class="bar" x="${f1(X(a))}" y="${y + 4}" width="${f1(Math.max(1, X(b) - X(a)))}" height="${rowH - 10}" fill="${up ? '#2e7d32' : '#c62828'}" fill-opacity="0.8"><title>${esc(`${r.label}: ${r.lowLabel} → ${Math.round(r.low * 100)}%, ${r.highLabel} → ${Math.round(r.high * 100)}%`)}</title></rect>`;
    // End labels: the left one outside the bar if there is room, else inside it, else only in
    // the tooltip; the right one after the bar.
    const leftLabel = up ? r.lowLabel : r.highLabel;
    const rightLabel = up ? r.highLabel : r.lowLabel;
    const leftW = leftLabel.length * 6 + 4;
    if (X(a) - leftW >= labelW) {
      body += text(X(a) - 4, y + 17, leftLabel, 'end', 'fill="#333" font-size="10"');
    } else if (X(b) - X(a) > leftW + 4) {
      body += text(X(a) + 4, y + 17, leftLabel, 'start', 'fill="#fff" font-size="10"');
    }
    body += text(X(b) + 4, y + 17, rightLabel, 'start', 'fill="#333" font-size="10"');
  });
  body += `<line x1="${f1(X(baseline))}" y1="4" x2="${f1(X(baseline))}" y2="${height - 30}" stroke="#222" stroke-width="1.5"><title>${esc(`baseline ${Math.round(baseline * 100)}%`)}</title></line>`;
  body += text(X(baseline), height - 2, 'baseline', 'middle', 'fill="#222" font-size="10"');
  return svg(width, height, title, body);
}

/** Per row: a p10–p90 range, the median, the mean and a start marker, on [0, 1]. */
export function rangeChart(
  title: string,
  rows: readonly { label: string; start: number; p10: number; p50: number; p90: number }[],
  options: { width?: number } = {},
): string {
  const width = options.width ?? 720;
  const labelW = 200;
  const plotW = width - labelW - 30;
  const rowH = 24;
  const height = rows.length * rowH + 50;
  const X = (v: number): number => labelW + v * plotW;
  let body = '';
  for (let t = 0; t <= 4; t++) {
    body += `<line x1="${f1(X(t / 4))}" y1="4" x2="${f1(X(t / 4))}" y2="${height - 44}" stroke="#eee"/>`;
    body += text(X(t / 4), height - 30, (t / 4).toFixed(2), 'middle', 'fill="#555"');
  }
  rows.forEach((r, i) => {
    const y = 6 + i * rowH + rowH / 2;
    body += text(labelW - 8, y + 4, r.label, 'end');
    body += `<rect class="bar" x="${f1(X(r.p10))}" y="${f1(y - 6)}" width="${f1(Math.max(2, X(r.p90) - X(r.p10)))}" height="12" fill="#1f77b4" fill-opacity="0.35"><title>${esc(`${r.label}: 10–90% ${r.p10.toFixed(2)}–${r.p90.toFixed(2)}, median ${r.p50.toFixed(2)}, start ${r.start.toFixed(2)}`)}</title></rect>`;
    body += `<line x1="${f1(X(r.p50))}" y1="${f1(y - 8)}" x2="${f1(X(r.p50))}" y2="${f1(y + 8)}" stroke="#1f3b73" stroke-width="3"/>`;
    body += `<path d="M${f1(X(r.start))} ${f1(y - 9)}l-5 -7h10z" fill="#ff7f0e"/>`;
  });
  const ly = height - 10;
  body += `<rect x="${labelW}" y="${ly - 8}" width="14" height="8" fill="#1f77b4" fill-opacity="0.35"/>`;
  body += text(labelW + 18, ly, '10–90% of runs');
  body += `<rect x="${labelW + 130}" y="${ly - 9}" width="3" height="10" fill="#1f3b73"/>`;
  body += text(labelW + 138, ly, 'median');
  body += `<path d="M${labelW + 205} ${ly - 2}l-5 -7h10z" fill="#ff7f0e"/>`;
  body += text(labelW + 214, ly, 'start value');
  return svg(width, height, title, body);
}

/** A Gantt strip: one coloured span per phase over the turns. */
export function phaseStrip(
  title: string,
  spans: readonly { label: string; from: number; to: number }[],
  lastTurn: number,
  options: { width?: number } = {},
): string {
  const width = options.width ?? 720;
  const left = 10;
  const plotW = width - 20;
  const height = 64;
  const X = (t: number): number => left + ((t - 1) / Math.max(1, lastTurn)) * plotW;
  let body = '';
  spans.forEach((s, i) => {
    const x0 = X(s.from);
    const x1 = Math.max(x0 + 2, X(s.to + 1));
    const colour = PALETTE[i % PALETTE.length] ?? '#1f77b4';
    body += `<rect class="bar" x="${f1(x0)}" y="6" width="${f1(x1 - x0)}" height="24" fill="${colour}" fill-opacity="0.85"><title>${esc(`${s.label}: turns ${s.from}–${s.to}`)}</title></rect>`;
    if (x1 - x0 > s.label.length * 6.5)
      body += text((x0 + x1) / 2, 22, s.label, 'middle', 'fill="#fff"');
  });
  for (const t of ticks(1, lastTurn + 1, 12)) {
    if (!Number.isInteger(t) || t > lastTurn) continue;
    body += text(X(t) + (X(t + 1) - X(t)) / 2, 46, String(t), 'middle', 'fill="#555"');
  }
  body += text(width / 2, 60, 'turn', 'middle', 'fill="#333"');
  return svg(width, height, title, body);
}
