/**
 * A team's screen: its briefing, its confidential position and contingents, the decisions open
 * to it now, and the public situation. It shows only what the server's view for the team
 * holds: other teams' positions never reach this page.
 */
import type { View } from '../../../engine/views.js';
import { Briefing } from '../components/Briefing.js';
import { ContingentsTable } from '../components/ContingentsTable.js';
import { EventFeed } from '../components/EventFeed.js';
import { NewsPanel } from '../components/NewsPanel.js';
import { OutcomeBanner } from '../components/OutcomeBanner.js';
import { FactorsPanel, ForcePanel, MandatePanel, TimelinePanel } from '../components/Situation.js';
import { TeamPosition } from '../components/TeamPosition.js';
import { DecisionPanel } from '../decisions/DecisionPanel.js';
import { namesOf } from '../decisions/describe.js';
import { stageChanges } from '../lib/phases.js';
import type { LiveSession, Snapshot } from '../session/live-session.js';

interface Props {
  readonly live: LiveSession;
  readonly snapshot: Snapshot;
  readonly view: View;
}

export function TeamView({ live, snapshot, view }: Props) {
  const team = view.team;
  const names = namesOf(view);
  const factorLabel = (id: string): string => view.scenario.factors[id]?.label ?? id;
  const events = snapshot.feed.map((f) => f.event);
  const approval = team ? view.public.mandate.approvals[team.id] : undefined;
  return (
    <div class="layout">
      {view.outcome && <OutcomeBanner outcome={view.outcome} />}
      <div class="column">
        <DecisionPanel live={live} snapshot={snapshot} view={view} />
        {team && (
          <section class="panel confidential" aria-labelledby="position-title">
            <h2 id="position-title">
              Your position <span class="tag">confidential</span>
            </h2>
            <TeamPosition team={team} approval={approval} />
            <ContingentsTable
              contingents={view.force ?? []}
              teamName={names.team}
              injectName={names.inject}
              caption="Contingents you can see"
            />
          </section>
        )}
        <section class="panel" aria-labelledby="briefing-title">
          <h2 id="briefing-title">Briefing</h2>
          <Briefing text={view.scenario.briefing} />
          {team?.briefing && (
            <>
              <h3>
                For your team only <span class="tag">confidential</span>
              </h3>
              <Briefing text={team.briefing} />
            </>
          )}
        </section>
      </div>
      <div class="column">
        <FactorsPanel view={view} />
        <TimelinePanel view={view} changes={stageChanges(events)} />
        <NewsPanel view={view} feed={snapshot.feed} />
        <MandatePanel view={view} />
        <ForcePanel view={view} />
        <EventFeed feed={snapshot.feed} factorLabel={factorLabel} />
      </div>
    </div>
  );
}
