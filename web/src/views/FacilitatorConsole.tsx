/**
 * The white cell's console: control of the clock, the teams and their links, the injects, the
 * full state, and every event with its explanation.
 */
import type { View } from '../../../engine/views.js';
import { EventFeed } from '../components/EventFeed.js';
import { OutcomeBanner } from '../components/OutcomeBanner.js';
import { FactorsPanel, ForcePanel, MandatePanel, TimelinePanel } from '../components/Situation.js';
import { describeCommand, namesOf } from '../decisions/describe.js';
import { useSender } from '../decisions/use-sender.js';
import { stageChanges } from '../lib/phases.js';
import { doneThisTurn } from '../lib/submitted.js';
import type { LiveSession, Snapshot } from '../session/live-session.js';
import { AfterAction } from './facilitator/AfterAction.js';
import { ExerciseControls } from './facilitator/ExerciseControls.js';
import { FullState } from './facilitator/FullState.js';
import { InjectControls } from './facilitator/InjectControls.js';
import { TeamsTable } from './facilitator/TeamsTable.js';

interface Props {
  readonly live: LiveSession;
  readonly snapshot: Snapshot;
  readonly view: View;
  readonly token: string;
}

export function FacilitatorConsole({ live, snapshot, view, token }: Props) {
  const names = namesOf(view);
  const { result, busy, send } = useSender(live, (c) => describeCommand(c, names));
  const { options, viewSeq, connection } = snapshot;
  const ready = options !== undefined && options.seq === viewSeq && connection.kind === 'connected';
  const legal = options?.commands ?? [];
  const events = snapshot.feed.map((f) => f.event);
  const factorLabel = (id: string): string => view.scenario.factors[id]?.label ?? id;
  const full = view.full;
  return (
    <div class="layout">
      {view.outcome && <OutcomeBanner outcome={view.outcome} />}
      {view.status === 'ended' && snapshot.session && (
        <AfterAction session={snapshot.session} token={token} />
      )}
      <div class="column">
        <ExerciseControls
          legal={legal}
          ready={ready}
          busy={busy}
          result={result}
          onSend={(c) => void send(c)}
        />
        {full && (
          <TeamsTable
            live={live}
            full={full}
            done={doneThisTurn(events, view.turn)}
            legal={legal}
            ready={ready}
            onSend={(c) => void send(c)}
          />
        )}
        <InjectControls legal={legal} names={names} ready={ready} onSend={send} />
        <EventFeed feed={snapshot.feed} factorLabel={factorLabel} title="All events" />
      </div>
      <div class="column">
        <FactorsPanel view={view} />
        <TimelinePanel view={view} changes={stageChanges(events)} />
        {full && <FullState full={full} names={names} />}
        <MandatePanel view={view} />
        <ForcePanel view={view} />
      </div>
    </div>
  );
}
