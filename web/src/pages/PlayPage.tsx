/**
 * A joined role's page (`/play#token=…`): connects with the token from the URL fragment and
 * shows the white cell's console, a team's view or the observers' view, by the token's role.
 */
import { useEffect } from 'preact/hooks';
import { StatusBar } from '../components/StatusBar.js';
import { useLiveSession } from '../session/use-live-session.js';
import { FacilitatorConsole } from '../views/FacilitatorConsole.js';
import { ObserverView } from '../views/ObserverView.js';
import { TeamView } from '../views/TeamView.js';

/** The join token, from `#token=…` (a fragment never reaches the server or a Referer). */
const tokenFromHash = (hash: string): string | undefined =>
  new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? undefined;

export function PlayPage() {
  const token = tokenFromHash(location.hash);
  if (!token) {
    return (
      <main class="start">
        <h1>No join link</h1>
        <p>
          This page needs the join link you were given (it ends in <code>#token=…</code>). Ask the
          white cell for it, or <a href="/">start a new exercise</a>.
        </p>
      </main>
    );
  }
  return <Joined token={token} />;
}

function Joined({ token }: { token: string }) {
  const { live, snapshot } = useLiveSession(token);
  const { view, role, connection, notice } = snapshot;
  const teamId = role?.startsWith('team:') ? role.slice(5) : undefined;
  const roleName =
    role === 'facilitator'
      ? 'White cell (facilitator)'
      : role === 'observer'
        ? 'Observer'
        : (view?.scenario.teams.find((t) => t.id === teamId)?.name ?? 'Team');
  useEffect(() => {
    document.title = view ? `${roleName} — ${view.scenario.title} — ttx` : 'ttx';
  }, [roleName, view?.scenario.title]);
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to the content
      </a>
      <StatusBar view={view} roleName={role ? roleName : 'Joining…'} connection={connection} />
      <div role="alert" class="alert-slot">
        {notice && (
          <p class="error">
            {notice}{' '}
            <button type="button" class="small" onClick={() => live.dismissNotice()}>
              Dismiss
            </button>
          </p>
        )}
      </div>
      <main id="main" data-role={role}>
        {!view ? (
          <p class="muted">
            {connection.kind === 'failed' ? connection.reason : 'Joining the exercise…'}
          </p>
        ) : role === 'facilitator' ? (
          <FacilitatorConsole live={live} snapshot={snapshot} view={view} token={token} />
        ) : role === 'observer' ? (
          <ObserverView snapshot={snapshot} view={view} />
        ) : (
          <TeamView live={live} snapshot={snapshot} view={view} />
        )}
      </main>
    </>
  );
}
