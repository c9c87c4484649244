/** Why a roll came out as it did: the base chance, each factor's part, modifiers, the roll. */
import type { Explanation as ExplanationData } from '../../../engine/resolution.js';
import { factorValue, percent, signedPercent } from '../lib/format.js';

interface Props {
  readonly explanation: ExplanationData;
  readonly factorLabel: (id: string) => string;
}

export function Explanation({ explanation: x, factorLabel }: Props) {
  return (
    <p class="explanation">
      <span>base {percent(x.base)}</span>
      {x.contributions.map((c) => (
        <span key={c.factor}>
          {factorLabel(c.factor)} {factorValue(c.value)} {signedPercent(c.contribution)}
        </span>
      ))}
      {x.modifiers.map((m) => (
        <span key={m.label}>
          {m.label} {signedPercent(m.value)}
        </span>
      ))}
      <span>
        → chance <strong>{percent(x.chance)}</strong>
      </span>
      {x.override ? (
        <span>decided by the white cell: {x.override.reason}</span>
      ) : (
        x.roll !== undefined && <span>roll {x.roll.toFixed(2)}</span>
      )}
    </p>
  );
}
