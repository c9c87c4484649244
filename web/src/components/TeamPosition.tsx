/** A team's confidential position: shown to that team and the white cell only. */
import type { TeamState } from '../../../engine/state.js';
import { caveatLabel, percent, words } from '../lib/format.js';

interface Props {
  readonly team: TeamState;
  readonly approval: string | undefined;
}

export function TeamPosition({ team, approval }: Props) {
  const byCapability = Object.entries(team.units.byCapability);
  return (
    <dl class="facts">
      <div>
        <dt>Government support for the mission</dt>
        <dd data-testid="support">{percent(team.support)}</dd>
      </div>
      <div>
        <dt>Played by</dt>
        <dd>{team.control === 'human' ? 'its players' : 'its default policy'}</dd>
      </div>
      <div>
        <dt>Security Council vote (secret)</dt>
        <dd data-testid="vote">{team.vote ?? 'not cast'}</dd>
      </div>
      {approval !== undefined && (
        <div>
          <dt>National contribution</dt>
          <dd>{approval}</dd>
        </div>
      )}
      <div>
        <dt>Once-a-turn actions taken</dt>
        <dd>{team.acted.length ? team.acted.map(words).join(', ') : 'none yet'}</dd>
      </div>
      <div>
        <dt>Reservations (caveats on all contingents)</dt>
        <dd>{team.caveats.length ? team.caveats.map(caveatLabel).join(', ') : 'none'}</dd>
      </div>
      <div>
        <dt>Units pledged / deployed</dt>
        <dd data-testid="pledged">
          {team.units.pledged} / {team.units.deployed}
          {byCapability.length > 0 &&
            ` (${byCapability.map(([cap, n]) => `${n} × ${words(cap)}`).join(', ')})`}
        </dd>
      </div>
    </dl>
  );
}
