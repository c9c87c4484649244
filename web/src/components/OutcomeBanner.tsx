/** How the exercise ended, once it has. */
import type { Outcome } from '../../../engine/state.js';

const RESULT: Readonly<Record<Outcome['result'], string>> = {
  success: 'Success',
  partial: 'Partial success',
  failure: 'Failure',
};

export function OutcomeBanner({ outcome }: { outcome: Outcome }) {
  return (
    <section
      class={`outcome outcome-${outcome.result}`}
      aria-labelledby="outcome-title"
      data-testid="outcome"
    >
      <h2 id="outcome-title">
        Exercise ended: <span data-testid="outcome-result">{RESULT[outcome.result]}</span>
      </h2>
      <p>
        <span data-testid="outcome-reason">{outcome.reason}</span> (turn {outcome.turn}).
      </p>
    </section>
  );
}
