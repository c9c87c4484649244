/**
 * The factors over time: one line per factor on a 0–1 scale across the scenario's turns, with
 * a legend and the same figures as a table for those who do not read charts.
 */
import { factorSeries, integerTicks, linearScale, linePath } from '../lib/chart.js';
import { factorValue } from '../lib/format.js';

interface Props {
  readonly history: readonly { turn: number; factors: Readonly<Record<string, number>> }[];
  readonly labels: Readonly<Record<string, { label: string }>>;
  readonly maxTurns: number;
  /** Taller on the projector. */
  readonly large?: boolean;
}

/** Distinct in colour and in dash, so that lines stay apart in greyscale too. */
const STYLES: readonly { color: string; dash: string }[] = [
  { color: '#1b6ac9', dash: '' },
  { color: '#c0392b', dash: '6 3' },
  { color: '#2e8540', dash: '' },
  { color: '#8e44ad', dash: '2 3' },
  { color: '#d35400', dash: '' },
  { color: '#16a085', dash: '8 3 2 3' },
  { color: '#7f6000', dash: '' },
  { color: '#34495e', dash: '4 4' },
];
const styleOf = (i: number): { color: string; dash?: string } => {
  const s = STYLES[i % STYLES.length] ?? { color: '#000', dash: '' };
  return s.dash ? s : { color: s.color };
};

export function FactorChart({ history, labels, maxTurns, large = false }: Props) {
  const width = 640;
  const height = large ? 320 : 220;
  const pad = { left: 36, right: 12, top: 10, bottom: 28 };
  const sx = linearScale(1, Math.max(2, maxTurns), pad.left, width - pad.right);
  const sy = linearScale(0, 1, height - pad.bottom, pad.top);
  const series = factorSeries(history, labels);
  const turns = integerTicks(1, Math.max(2, maxTurns), 10);
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby="factor-chart-title"
        class="chart-svg"
      >
        <title id="factor-chart-title">
          Factors at the start of each turn, turn 1 to {history.at(-1)?.turn ?? 1}
        </title>
        {[0, 0.25, 0.5, 0.75, 1].map((y) => (
          <g key={y}>
            <line class="grid" x1={pad.left} x2={width - pad.right} y1={sy(y)} y2={sy(y)} />
            <text class="axis" x={pad.left - 6} y={sy(y) + 4} text-anchor="end">
              {y}
            </text>
          </g>
        ))}
        {turns.map((t) => (
          <text key={t} class="axis" x={sx(t)} y={height - 8} text-anchor="middle">
            {t}
          </text>
        ))}
        {series.map((s, i) => {
          const style = styleOf(i);
          const last = s.points.at(-1);
          return (
            <g key={s.id}>
              <path
                class="line"
                d={linePath(s.points, sx, sy)}
                stroke={style.color}
                stroke-dasharray={style.dash}
              />
              {last && <circle cx={sx(last.x)} cy={sy(last.y)} r={3} fill={style.color} />}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul class="legend">
          {series.map((s, i) => {
            const style = styleOf(i);
            return (
              <li key={s.id}>
                <svg width="22" height="10" aria-hidden="true">
                  <line
                    x1="0"
                    x2="22"
                    y1="5"
                    y2="5"
                    stroke={style.color}
                    stroke-width="3"
                    stroke-dasharray={style.dash}
                  />
                </svg>
                {s.label}
              </li>
            );
          })}
        </ul>
        <details>
          <summary>The figures as a table</summary>
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Turn</th>
                  {series.map((s) => (
                    <th key={s.id} scope="col">
                      {s.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {history.map((h) => (
                  <tr key={h.turn}>
                    <th scope="row">{h.turn}</th>
                    {series.map((s) => (
                      <td key={s.id}>{factorValue(h.factors[s.id] ?? 0)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </figcaption>
    </figure>
  );
}
