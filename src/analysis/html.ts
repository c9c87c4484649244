/**
 * Self-contained HTML pages: inline CSS and inline SVG charts (svg.ts), no script and nothing
 * fetched, so a report opens anywhere, prints, and can be mailed as one file.
 */
import { esc } from './format.js';

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f; margin: 0; background: #f6f7f9; }
header { background: #1f3b73; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 2px 0; opacity: 0.9; }
nav { padding: 8px 32px; background: #e8ecf3; font-size: 13px; }
nav a { margin-right: 14px; color: #1f3b73; }
main { padding: 8px 32px 40px; max-width: 1100px; }
section { background: #fff; border: 1px solid #dde1e8; border-radius: 6px; padding: 14px 20px; margin: 16px 0; }
h2 { font-size: 18px; margin: 4px 0 10px; color: #1f3b73; }
h3 { font-size: 15px; margin: 14px 0 6px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border-bottom: 1px solid #e4e7ec; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f0f2f6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.chart { max-width: 100%; height: auto; display: block; margin: 6px 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 8px; }
.note { color: #555; font-size: 13px; }
.success { color: #2e7d32; font-weight: 600; }
.failure { color: #c62828; font-weight: 600; }
.partial { color: #a86b00; font-weight: 600; }
.ruling { background: #fff8e1; }
.explain { color: #444; font-size: 12px; }
.turn { font-weight: 600; white-space: nowrap; }
ul.compact { margin: 4px 0; padding-left: 20px; }
@media print { nav { display: none; } section { break-inside: avoid; } }
`;

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly html: string;
}

/** A whole page: header, a table of contents and the sections. */
export function page(
  title: string,
  lines: readonly string[],
  sections: readonly Section[],
): string {
  const nav = sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join('');
  const body = sections
    .map((s) => `<section id="${esc(s.id)}"><h2>${esc(s.title)}</h2>${s.html}</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${esc(title)}</h1>${lines.map((l) => `<p>${esc(l)}</p>`).join('')}</header>
<nav>${nav}</nav>
<main>
${body}
</main>
</body>
</html>
`;
}

/** A table; cells are HTML already escaped by the caller (use `esc`). `num` marks columns right-aligned. */
export function htmlTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  num: readonly number[] = [],
): string {
  const cls = (i: number): string => (num.includes(i) ? ' class="num"' : '');
  return (
    `<table><thead><tr>${head.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>'
  );
}
