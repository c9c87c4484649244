/** The confirmation step of every decision: what will be done, in words, then confirm or go back. */
import { useLayoutEffect, useRef } from 'preact/hooks';

interface Props {
  readonly text: string;
  readonly busy: boolean;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}

export function Confirm({ text, busy, onConfirm, onCancel }: Props) {
  const confirm = useRef<HTMLButtonElement>(null);
  // As the confirmation replaces the form, before the browser paints: a keyboard user's next
  // Enter confirms (an effect after paint left the focus on the page meanwhile).
  useLayoutEffect(() => confirm.current?.focus(), []);
  return (
    <div class="confirm" role="group" aria-label="Confirm the decision">
      <p>
        <strong>Confirm:</strong> {text}.
      </p>
      <p class="muted">Once confirmed, it cannot be taken back.</p>
      <div class="buttons">
        <button type="button" class="primary" ref={confirm} disabled={busy} onClick={onConfirm}>
          {busy ? 'Sending…' : 'Confirm'}
        </button>
        <button type="button" disabled={busy} onClick={onCancel}>
          Back
        </button>
      </div>
    </div>
  );
}
