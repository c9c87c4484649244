/** The phases as a strip over the scenario's turns, with the current turn marked. */
import {
  MAIN_PHASES,
  PHASE_NAMES,
  phaseSpans,
  type PhaseSpan,
  type StageChange,
} from '../lib/phases.js';
import { linearScale } from '../lib/chart.js';

interface Props {
  readonly changes: readonly StageChange[];
  readonly turn: number;
  readonly maxTurns: number;
  readonly ended: boolean;
}

export function PhaseTimeline({ changes, turn, maxTurns, ended }: Props) {
  const spans = phaseSpans(changes, Math.max(1, turn));
  const width = 640;
  const sx = linearScale(1, maxTurns + 1, 0, width);
  return (
    <figure class="timeline">
      <svg viewBox={`0 0 ${width} 34`} class="timeline-svg" aria-hidden="true">
        <rect class="timeline-track" x={0} y={4} width={width} height={20} rx={3} />
        {spans.map((s, i) => (
          <rect
            key={i}
            class={`phase-${s.phase}`}
            x={sx(s.start)}
            y={4}
            width={Math.max(0, sx(s.end) - sx(s.start))}
            height={20}
          />
        ))}
        {turn >= 1 && !ended && (
          <line class="timeline-now" x1={sx(turn + 0.5)} x2={sx(turn + 0.5)} y1={0} y2={30} />
        )}
      </svg>
      <figcaption>
        <ol class="phase-list">
          {MAIN_PHASES.map((p) => {
            const span = spans.find((s) => s.phase === p);
            const current = !ended && spans.at(-1)?.phase === p;
            return (
              <li key={p} class={current ? 'current' : span ? 'done' : 'todo'}>
                <span class={`swatch phase-${p}`} aria-hidden="true" />
                {PHASE_NAMES[p]}
                {span && <span class="phase-turns"> ({spanText(span, current)})</span>}
                {current && <span class="visually-hidden"> (current phase)</span>}
              </li>
            );
          })}
        </ol>
      </figcaption>
    </figure>
  );
}

/** "since turn 3", "turns 3–5", "turn 4". */
function spanText(span: PhaseSpan, current: boolean): string {
  if (current) return `since turn ${span.start}`;
  const last = Math.max(span.start, span.end - 1);
  return last > span.start ? `turns ${span.start}–${last}` : `turn ${span.start}`;
}
