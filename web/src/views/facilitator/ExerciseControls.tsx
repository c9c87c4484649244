/** Start, pause, resume and end the turn: each enabled only when the server lists it as legal. */
import type { CommandBody, CommandType } from '../../../../engine/commands/schema.js';
import type { SendResult } from '../../decisions/use-sender.js';

interface Props {
  readonly legal: readonly CommandBody[];
  readonly ready: boolean;
  readonly busy: boolean;
  readonly result: SendResult | undefined;
  readonly onSend: (c: CommandBody) => void;
}

const BUTTONS: readonly { type: 'start' | 'pause' | 'resume' | 'advance'; label: string }[] = [
  { type: 'start', label: 'Start the exercise' },
  { type: 'pause', label: 'Pause' },
  { type: 'resume', label: 'Resume' },
  { type: 'advance', label: 'End turn and advance' },
];

export function ExerciseControls({ legal, ready, busy, result, onSend }: Props) {
  const allowed = new Set<CommandType>(legal.map((c) => c.type));
  return (
    <section class="panel controls" aria-labelledby="controls-title" aria-busy={!ready}>
      <h2 id="controls-title">Exercise control</h2>
      <div class="buttons">
        {BUTTONS.filter((b) => allowed.has(b.type)).map((b) => (
          <button
            key={b.type}
            type="button"
            class={b.type === 'advance' || b.type === 'start' ? 'primary' : ''}
            disabled={!ready || busy}
            onClick={() => onSend({ type: b.type })}
          >
            {b.label}
          </button>
        ))}
        {allowed.size === 0 && <span class="muted">No control command is open now.</span>}
      </div>
      <div role="status" aria-live="polite" class="result-line">
        {result && <p class={result.ok ? 'done' : 'error'}>{result.text}</p>}
      </div>
    </section>
  );
}
