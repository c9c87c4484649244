/** The pledge form's fields: a CJSOR slot, how many units (up to what is legal), and caveats. */
import { Caveat, type CaveatName } from '../../../engine/scenario/schema.js';
import { caveatLabel } from '../lib/format.js';

export interface PledgeDraft {
  readonly slot: string;
  readonly units: number;
  readonly caveats: readonly CaveatName[];
}

interface Props {
  readonly id: string;
  /** Slot → most units that may be pledged to it now. */
  readonly room: ReadonlyMap<string, number>;
  readonly slotName: (id: string) => string;
  /** Caveats already in force on every contingent of this nation (its reservations). */
  readonly standing: readonly string[];
  readonly draft: PledgeDraft;
  readonly onChange: (draft: PledgeDraft) => void;
}

export function PledgeFields({ id, room, slotName, standing, draft, onChange }: Props) {
  const max = room.get(draft.slot) ?? 1;
  const toggle = (caveat: CaveatName, on: boolean): void =>
    onChange({
      ...draft,
      caveats: on ? [...draft.caveats, caveat] : draft.caveats.filter((c) => c !== caveat),
    });
  return (
    <>
      <div class="field">
        <label for={`${id}-slot`}>Slot</label>
        <select
          id={`${id}-slot`}
          value={draft.slot}
          onChange={(e) => {
            const slot = e.currentTarget.value;
            onChange({ ...draft, slot, units: Math.min(draft.units, room.get(slot) ?? 1) });
          }}
        >
          {[...room].map(([slot, most]) => (
            <option key={slot} value={slot}>
              {slotName(slot)} — up to {most} unit(s)
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${id}-units`}>Units (1 to {max})</label>
        <input
          id={`${id}-units`}
          type="number"
          min={1}
          max={max}
          step={1}
          required
          value={draft.units}
          onInput={(e) => {
            const n = Math.round(Number(e.currentTarget.value));
            onChange({ ...draft, units: Math.min(max, Math.max(1, Number.isFinite(n) ? n : 1)) });
          }}
        />
      </div>
      <fieldset class="field">
        <legend>Caveats on these units (your national caveats are added in any case)</legend>
        {Caveat.options.map((caveat) => {
          const always = standing.includes(caveat);
          return (
            <label key={caveat} class="check">
              <input
                type="checkbox"
                checked={always || draft.caveats.includes(caveat)}
                disabled={always}
                onChange={(e) => toggle(caveat, e.currentTarget.checked)}
              />
              {caveatLabel(caveat)}
              {always && <span class="muted"> (already in force)</span>}
            </label>
          );
        })}
      </fieldset>
    </>
  );
}
