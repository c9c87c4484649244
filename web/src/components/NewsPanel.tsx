/** The news: injects as they fire and what they did, newest first; active ones on top. */
import type { View } from '../../../engine/views.js';
import type { FeedEntry } from '../session/live-session.js';

interface Props {
  readonly view: View;
  readonly feed: readonly FeedEntry[];
}

export function NewsPanel({ view, feed }: Props) {
  const news = feed
    .filter((f) => f.event.kind === 'inject' || (f.event.kind === 'effect' && f.event.subject))
    .slice(-40)
    .reverse();
  return (
    <section class="panel news" aria-labelledby="news-title">
      <h2 id="news-title">News</h2>
      {view.injects.length > 0 && (
        <ul class="plain active-injects">
          {view.injects.map((i) => (
            <li key={i.id}>
              <strong>Active this turn: {i.title}.</strong> {i.description}
              {i.responders.length > 0 && ` Responding: ${i.responders.join(', ')}.`}
            </li>
          ))}
        </ul>
      )}
      {news.length === 0 ? (
        <p class="muted">No news yet.</p>
      ) : (
        <ol class="plain news-list">
          {news.map(({ seq, index, event }) => (
            <li key={`${seq}.${index}`} class={`news-${event.kind}`}>
              <span class="feed-turn">T{event.turn}</span> {event.text.replace(/^INJECT /, '')}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
