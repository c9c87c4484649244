/**
 * What happened, newest first, each resolution with its explanation. New entries are announced
 * politely to screen readers.
 */
import type { FeedEntry } from '../session/live-session.js';
import { Explanation } from './Explanation.js';

interface Props {
  readonly feed: readonly FeedEntry[];
  readonly factorLabel: (id: string) => string;
  readonly title?: string;
  /** Entries shown (the newest); the rest stay in the after-action report. */
  readonly limit?: number;
}

const ICON: Readonly<Record<string, string>> = {
  resolution: '⚖',
  inject: '⚡',
  phase: '▶',
  vote: '☑',
  ruling: '§',
  ended: '■',
  turn: '—',
};

export function EventFeed({ feed, factorLabel, title = 'Event feed', limit = 250 }: Props) {
  const shown = feed.slice(-limit).reverse();
  return (
    <section class="panel feed" aria-labelledby="feed-title">
      <h2 id="feed-title">{title}</h2>
      {shown.length === 0 && <p class="muted">Nothing has happened yet.</p>}
      <ol class="feed-list" aria-live="polite" aria-relevant="additions">
        {shown.map(({ seq, index, event: e }) => (
          <li key={`${seq}.${index}`} class={`kind-${e.kind}`}>
            <span class="feed-turn">T{e.turn}</span>
            <span class="feed-icon" aria-hidden="true">
              {ICON[e.kind] ?? '•'}
            </span>
            <div class="feed-body">
              <span class="feed-text">
                {e.text}
                {e.explanation && (
                  <strong class={`outcome-${e.explanation.outcome}`}>
                    {' '}
                    — {e.explanation.outcome === 'success' ? 'SUCCESS' : 'FAILURE'}
                  </strong>
                )}
              </span>
              {e.explanation && (
                <Explanation explanation={e.explanation} factorLabel={factorLabel} />
              )}
            </div>
          </li>
        ))}
      </ol>
      {feed.length > limit && (
        <p class="muted">
          Showing the latest {limit} of {feed.length} events; the after-action report has them all.
        </p>
      )}
    </section>
  );
}
