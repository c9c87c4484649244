/** Whether the page is live, in words, announced to screen readers as it changes. */
import type { Connection } from '../session/live-session.js';

const LABEL: Readonly<Record<Connection['kind'], string>> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  failed: 'Disconnected',
};

export function ConnectionStatus({ connection }: { connection: Connection }) {
  return (
    <div class={`connection connection-${connection.kind}`} role="status" aria-live="polite">
      <span class="connection-dot" aria-hidden="true" />
      <span class="connection-label">{LABEL[connection.kind]}</span>
      {connection.kind === 'reconnecting' && (
        <span class="connection-detail">
          {' '}
          {connection.reason} Trying again by itself; decisions open again once the connection is
          back (nothing you confirmed is lost).
        </span>
      )}
      {connection.kind === 'failed' && <span class="connection-detail"> {connection.reason}</span>}
    </div>
  );
}
