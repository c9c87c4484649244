/** The factors now, each as a labelled gauge from 0 to 1. */
import { factorValue } from '../lib/format.js';

interface Props {
  readonly factors: Readonly<Record<string, number>>;
  readonly labels: Readonly<Record<string, { label: string; description?: string }>>;
}

export function FactorGauges({ factors, labels }: Props) {
  return (
    <ul class="gauges">
      {Object.entries(labels).map(([id, f]) => {
        const value = factors[id] ?? 0;
        return (
          <li key={id} class="gauge" title={f.description}>
            <span class="gauge-label" id={`gauge-${id}`}>
              {f.label}
            </span>
            <span
              class="gauge-bar"
              role="meter"
              aria-labelledby={`gauge-${id}`}
              aria-valuemin={0}
              aria-valuemax={1}
              aria-valuenow={value}
              aria-valuetext={factorValue(value)}
            >
              <span class={`gauge-fill ${level(value)}`} style={{ width: `${value * 100}%` }} />
            </span>
            <span class="gauge-value">{factorValue(value)}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** Low, middling or high, for the gauge's colour (the value is always written out too). */
const level = (v: number): string => (v < 0.35 ? 'low' : v < 0.6 ? 'mid' : 'high');
