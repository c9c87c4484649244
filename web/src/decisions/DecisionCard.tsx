/**
 * One decision open to the role: a form that offers only the legal choices the server listed,
 * then a confirmation in words, then the command. The result is reported by the caller, who
 * keys the card by its choices, so that a changed set of legal choices starts a fresh form.
 */
import { useState } from 'preact/hooks';
import type { CommandBody } from '../../../engine/commands/schema.js';
import type { DecisionGroup } from './catalog.js';
import { pledgeRoom } from './catalog.js';
import { Confirm } from './Confirm.js';
import { describeCommand, type Names } from './describe.js';
import { PledgeFields, type PledgeDraft } from './PledgeFields.js';

/** Beyond this many choices, a drop-down list rather than radio buttons. */
const MAX_RADIOS = 6;

interface Props {
  readonly group: DecisionGroup;
  readonly names: Names;
  /** The nation's standing caveats (shown on pledges). */
  readonly standingCaveats: readonly string[];
  /** False while the listed choices may be out of date. */
  readonly ready: boolean;
  readonly onSend: (command: CommandBody) => Promise<void>;
}

export function DecisionCard({ group, names, standingCaveats, ready, onSend }: Props) {
  const id = `decision-${group.type}`;
  const [choice, setChoice] = useState(0);
  const [reason, setReason] = useState('');
  const room = pledgeRoom(group.choices);
  const [pledge, setPledge] = useState<PledgeDraft>(() => {
    const [slot, most] = [...room][0] ?? ['', 1];
    return { slot, units: most, caveats: [] };
  });
  const [pending, setPending] = useState<CommandBody | undefined>();
  const [busy, setBusy] = useState(false);

  const command = (): CommandBody | undefined => {
    if (group.type === 'pledge') {
      if (!room.has(pledge.slot)) return undefined;
      const caveats = pledge.caveats.filter((c) => !standingCaveats.includes(c));
      return {
        type: 'pledge',
        slot: pledge.slot,
        units: Math.min(pledge.units, room.get(pledge.slot) ?? 1),
        ...(caveats.length ? { caveats } : {}),
      };
    }
    if (group.type === 'breakSilence') {
      const text = reason.trim();
      return text ? { type: 'breakSilence', reason: text } : { type: 'breakSilence' };
    }
    return group.choices[Math.min(choice, group.choices.length - 1)];
  };

  // A decision with one form-less choice is a single button that says what it does.
  const single =
    group.choices.length === 1 && group.type !== 'pledge' && group.type !== 'breakSilence'
      ? group.choices[0]
      : undefined;

  const confirm = async (c: CommandBody): Promise<void> => {
    setBusy(true);
    try {
      await onSend(c);
    } finally {
      setBusy(false);
      setPending(undefined);
    }
  };

  return (
    <section class="decision" aria-labelledby={`${id}-title`} data-decision={group.type}>
      <h3 id={`${id}-title`}>{group.kind.title}</h3>
      <p class="muted">{group.kind.help}</p>
      {pending ? (
        <Confirm
          text={describeCommand(pending, names)}
          busy={busy}
          onConfirm={() => void confirm(pending)}
          onCancel={() => setPending(undefined)}
        />
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const c = command();
            if (c) setPending(c);
          }}
        >
          {group.type === 'pledge' ? (
            <PledgeFields
              id={id}
              room={room}
              slotName={names.slot}
              standing={standingCaveats}
              draft={pledge}
              onChange={setPledge}
            />
          ) : group.type === 'breakSilence' ? (
            <div class="field">
              <label for={`${id}-reason`}>Reason (optional, public)</label>
              <textarea
                id={`${id}-reason`}
                maxLength={500}
                rows={2}
                value={reason}
                onInput={(e) => setReason(e.currentTarget.value)}
              />
            </div>
          ) : group.choices.length > MAX_RADIOS ? (
            <div class="field">
              <label for={`${id}-choice`}>{group.kind.title}: choose one</label>
              <select
                id={`${id}-choice`}
                value={String(choice)}
                onChange={(e) => setChoice(Number(e.currentTarget.value))}
              >
                {group.choices.map((c, i) => (
                  <option key={i} value={String(i)}>
                    {describeCommand(c, names)}
                  </option>
                ))}
              </select>
            </div>
          ) : group.choices.length > 1 ? (
            <fieldset class="choices">
              <legend class="visually-hidden">{group.kind.title}: choose one</legend>
              {group.choices.map((c, i) => (
                <label key={i} class="choice">
                  <input
                    type="radio"
                    name={`${id}-choice`}
                    checked={choice === i}
                    onChange={() => setChoice(i)}
                  />
                  {describeCommand(c, names)}
                </label>
              ))}
            </fieldset>
          ) : null}
          <button type="submit" disabled={!ready}>
            {single ? `${describeCommand(single, names)}…` : 'Review…'}
          </button>
        </form>
      )}
    </section>
  );
}
