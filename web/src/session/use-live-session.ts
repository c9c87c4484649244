/**
 * The page's live session as Preact state: connects on mount, reconnects when the browser's
 * network comes back, closes on unmount.
 */
import { useEffect, useState } from 'preact/hooks';
import { LiveSession, type Snapshot } from './live-session.js';

/** The WebSocket endpoint of the server that served this page. */
export const wsUrl = (): string =>
  `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;

export function useLiveSession(token: string): { live: LiveSession; snapshot: Snapshot } {
  const [live] = useState(() => new LiveSession(wsUrl(), token));
  const [snapshot, setSnapshot] = useState(live.snapshot);
  useEffect(() => {
    const unsubscribe = live.subscribe(setSnapshot);
    const online = (): void => live.reconnectNow();
    window.addEventListener('online', online);
    live.start();
    return () => {
      window.removeEventListener('online', online);
      unsubscribe();
      live.close();
    };
  }, [live]);
  return { live, snapshot };
}
