/** The page header: the exercise, the role, the turn and phase, and the connection. */
import type { View } from '../../../engine/views.js';
import type { Connection } from '../session/live-session.js';
import { turnDate } from '../lib/format.js';
import { ConnectionStatus } from './ConnectionStatus.js';

interface Props {
  readonly view: View | undefined;
  readonly roleName: string;
  readonly connection: Connection;
}

export function StatusBar({ view, roleName, connection }: Props) {
  const date = view ? turnDate(view.scenario.clock, view.turn) : undefined;
  return (
    <header class="status-bar">
      <div class="status-title">
        <p class="role-name">{roleName}</p>
        <h1>{view?.scenario.title ?? 'Joining the exercise…'}</h1>
      </div>
      {view && (
        <dl class="status-facts">
          <div>
            <dt>Turn</dt>
            <dd data-testid="turn">
              {view.turn} of {view.scenario.clock.maxTurns}
              {date && <span class="muted"> · {date}</span>}
            </dd>
          </div>
          <div>
            <dt>Phase</dt>
            <dd data-testid="phase">{view.status === 'ended' ? 'ended' : view.phaseLabel}</dd>
          </div>
          <div>
            <dt>Status</dt>
            <dd data-testid="status" class={`exercise-${statusOf(view)}`}>
              {STATUS[statusOf(view)]}
            </dd>
          </div>
        </dl>
      )}
      <ConnectionStatus connection={connection} />
    </header>
  );
}

type ExerciseStatus = 'setup' | 'running' | 'paused' | 'ended';

const STATUS: Readonly<Record<ExerciseStatus, string>> = {
  setup: 'Not started',
  running: 'Running',
  paused: 'Paused',
  ended: 'Ended',
};

const statusOf = (view: View): ExerciseStatus =>
  view.status === 'running' && view.paused ? 'paused' : view.status;
