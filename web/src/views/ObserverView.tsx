/** The observers' (projector's) screen: the public situation, large, read only. */
import type { View } from '../../../engine/views.js';
import { Briefing } from '../components/Briefing.js';
import { EventFeed } from '../components/EventFeed.js';
import { NewsPanel } from '../components/NewsPanel.js';
import { OutcomeBanner } from '../components/OutcomeBanner.js';
import { FactorsPanel, ForcePanel, MandatePanel, TimelinePanel } from '../components/Situation.js';
import { stageChanges } from '../lib/phases.js';
import type { Snapshot } from '../session/live-session.js';

export function ObserverView({ snapshot, view }: { snapshot: Snapshot; view: View }) {
  const factorLabel = (id: string): string => view.scenario.factors[id]?.label ?? id;
  return (
    <div class="layout observer">
      {view.outcome && <OutcomeBanner outcome={view.outcome} />}
      <div class="column wide">
        <FactorsPanel view={view} large />
        <TimelinePanel view={view} changes={stageChanges(snapshot.feed.map((f) => f.event))} />
      </div>
      <div class="column">
        <NewsPanel view={view} feed={snapshot.feed} />
        <MandatePanel view={view} />
        <ForcePanel view={view} />
        <EventFeed feed={snapshot.feed} factorLabel={factorLabel} limit={60} />
        <section class="panel" aria-labelledby="briefing-title">
          <h2 id="briefing-title">Briefing</h2>
          <Briefing text={view.scenario.briefing} />
        </section>
      </div>
    </div>
  );
}
