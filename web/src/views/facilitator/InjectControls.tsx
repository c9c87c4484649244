/**
 * The white cell's hand on the story: fire a hip-pocket inject, or decide an active inject's
 * outcome with a stated reason (an override, recorded apart from the model's results).
 */
import { useState } from 'preact/hooks';
import type { CommandBody } from '../../../../engine/commands/schema.js';
import { Confirm } from '../../decisions/Confirm.js';
import { DecisionCard } from '../../decisions/DecisionCard.js';
import { describeCommand, type Names } from '../../decisions/describe.js';

interface Props {
  readonly legal: readonly CommandBody[];
  readonly names: Names;
  readonly ready: boolean;
  readonly onSend: (c: CommandBody) => Promise<void>;
}

export function InjectControls({ legal, names, ready, onSend }: Props) {
  const hipPocket = legal.filter((c) => c.type === 'fireInject');
  const active = [...new Set(legal.flatMap((c) => (c.type === 'override' ? [c.event] : [])))];
  return (
    <section class="panel" aria-labelledby="injects-title">
      <h2 id="injects-title">Injects</h2>
      {hipPocket.length > 0 ? (
        <DecisionCard
          key={JSON.stringify(hipPocket)}
          group={{
            type: 'fireInject',
            kind: {
              title: 'Hip-pocket injects',
              help: 'Held back by the scenario for the white cell to fire when the exercise needs it.',
            },
            choices: hipPocket,
          }}
          names={names}
          standingCaveats={[]}
          ready={ready}
          onSend={onSend}
        />
      ) : (
        <p class="muted">No hip-pocket inject can be fired now.</p>
      )}
      {active.length > 0 ? (
        <OverrideForm
          key={active.join(' ')}
          active={active}
          names={names}
          ready={ready}
          onSend={onSend}
        />
      ) : (
        <p class="muted">No active inject to rule on.</p>
      )}
    </section>
  );
}

function OverrideForm({
  active,
  names,
  ready,
  onSend,
}: {
  active: readonly string[];
  names: Names;
  ready: boolean;
  onSend: (c: CommandBody) => Promise<void>;
}) {
  const [event, setEvent] = useState(active[0] ?? '');
  const [outcome, setOutcome] = useState<'success' | 'failure'>('success');
  const [reason, setReason] = useState('');
  const [pending, setPending] = useState<CommandBody | undefined>();
  const [busy, setBusy] = useState(false);
  if (pending) {
    return (
      <Confirm
        text={describeCommand(pending, names)}
        busy={busy}
        onCancel={() => setPending(undefined)}
        onConfirm={() => {
          setBusy(true);
          void onSend(pending).finally(() => {
            setBusy(false);
            setPending(undefined);
            setReason('');
          });
        }}
      />
    );
  }
  return (
    <form
      class="decision"
      aria-labelledby="override-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim()) setPending({ type: 'override', event, outcome, reason: reason.trim() });
      }}
    >
      <h3 id="override-title">Override a resolution</h3>
      <p class="muted">
        Decide how an active inject resolves at the end of this turn, without a roll. The
        explanation will say it was your ruling, with your reason.
      </p>
      <div class="field">
        <label for="override-event">Active inject</label>
        <select id="override-event" value={event} onChange={(e) => setEvent(e.currentTarget.value)}>
          {active.map((id) => (
            <option key={id} value={id}>
              {names.inject(id)}
            </option>
          ))}
        </select>
      </div>
      <fieldset class="field">
        <legend>Outcome</legend>
        {(['success', 'failure'] as const).map((o) => (
          <label key={o} class="choice">
            <input
              type="radio"
              name="override-outcome"
              checked={outcome === o}
              onChange={() => setOutcome(o)}
            />
            {o}
          </label>
        ))}
      </fieldset>
      <div class="field">
        <label for="override-reason">Reason (required; shown in the explanation)</label>
        <input
          id="override-reason"
          type="text"
          required
          maxLength={500}
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
      </div>
      <button type="submit" disabled={!ready}>
        Review…
      </button>
    </form>
  );
}
