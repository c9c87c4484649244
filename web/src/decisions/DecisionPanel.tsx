/**
 * The decisions open to a team now, one card per kind, from the server's list of legal
 * commands. While that list is being refreshed (the situation just changed) the cards wait.
 */
import type { CommandBody } from '../../../engine/commands/schema.js';
import type { View } from '../../../engine/views.js';
import type { LiveSession, Snapshot } from '../session/live-session.js';
import { decisionGroups } from './catalog.js';
import { DecisionCard } from './DecisionCard.js';
import { describeCommand, namesOf } from './describe.js';
import { useSender } from './use-sender.js';

interface Props {
  readonly live: LiveSession;
  readonly snapshot: Snapshot;
  readonly view: View;
}

export function DecisionPanel({ live, snapshot, view }: Props) {
  const { options, viewSeq, connection } = snapshot;
  const names = namesOf(view);
  const { result, send } = useSender(live, (c: CommandBody) => describeCommand(c, names));
  const ready = options !== undefined && options.seq === viewSeq && connection.kind === 'connected';
  const groups = options ? decisionGroups(options.commands) : [];
  // Caveats in force on all the team's contingents (its reservations in the NAC).
  const standing = view.team?.caveats ?? [];
  return (
    <section class="panel decisions" aria-labelledby="decisions-title" aria-busy={!ready}>
      <h2 id="decisions-title">Your decisions now</h2>
      {view.team?.control === 'policy' && view.status !== 'ended' && (
        <p class="muted">
          Your team is still played by its default policy: what you leave undone, it decides at the
          end of each turn. The white cell hands the team to you.
        </p>
      )}
      <div role="status" aria-live="polite" class="result-line">
        {result && <p class={result.ok ? 'done' : 'error'}>{result.text}</p>}
      </div>
      {view.status === 'ended' ? (
        <p class="muted">The exercise has ended.</p>
      ) : view.paused ? (
        <p class="muted">The white cell has paused the exercise.</p>
      ) : !options ? (
        <p class="muted">Loading your choices…</p>
      ) : groups.length === 0 ? (
        <p class="muted" data-testid="no-decisions">
          Nothing to decide right now. The white cell ends the turn; your next decisions will appear
          here.
        </p>
      ) : (
        groups.map((g) => (
          <DecisionCard
            key={`${g.type}:${JSON.stringify(g.choices)}`}
            group={g}
            names={names}
            standingCaveats={standing}
            ready={ready}
            onSend={send}
          />
        ))
      )}
    </section>
  );
}
