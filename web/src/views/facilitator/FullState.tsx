/**
 * Everything the white cell may see that no team does: every team's position, every
 * contingent, the Security Council members' leanings and the rulings waiting on injects.
 */
import type { SessionState } from '../../../../engine/state.js';
import { ContingentsTable } from '../../components/ContingentsTable.js';
import type { Names } from '../../decisions/describe.js';
import { caveatLabel, percent } from '../../lib/format.js';

export function FullState({ full, names }: { full: SessionState; names: Names }) {
  const members = full.scenario.unsc?.members ?? [];
  const overrides = Object.entries(full.control.overrides);
  return (
    <section class="panel confidential" aria-labelledby="full-title">
      <h2 id="full-title">
        Full state <span class="tag">white cell only</span>
      </h2>
      <div class="table-scroll">
        <table data-testid="positions">
          <caption>Teams' confidential positions</caption>
          <thead>
            <tr>
              <th scope="col">Team</th>
              <th scope="col">Support</th>
              <th scope="col">Secret vote</th>
              <th scope="col">Contribution</th>
              <th scope="col">Reservations</th>
              <th scope="col">Units pledged / deployed</th>
            </tr>
          </thead>
          <tbody>
            {full.scenario.teams.map((t) => {
              const s = full.teams[t.id];
              if (!s) return null;
              return (
                <tr key={t.id} data-team={t.id}>
                  <th scope="row">{t.name}</th>
                  <td>{percent(s.support)}</td>
                  <td>{s.vote ?? '—'}</td>
                  <td>{full.public.mandate.approvals[t.id] ?? '—'}</td>
                  <td>{s.caveats.length ? s.caveats.map(caveatLabel).join(', ') : '—'}</td>
                  <td>
                    {s.units.pledged} / {s.units.deployed}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <ContingentsTable
        contingents={Object.values(full.force.contingents)}
        teamName={names.team}
        injectName={names.inject}
        caption="Every contingent pledged"
      />
      {members.length > 0 && (
        <>
          <h3>Security Council members' support</h3>
          <ul class="plain columns">
            {members.map((m) => (
              <li key={m.id}>
                {m.name}
                {m.permanent ? ' (P5)' : ''}: {percent(full.control.unscSupport[m.id] ?? m.support)}
                {m.team ? ` — played by ${names.team(m.team)}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      {overrides.length > 0 && (
        <>
          <h3>Rulings waiting</h3>
          <ul class="plain">
            {overrides.map(([event, o]) => (
              <li key={event}>
                {names.inject(event)}: {o.outcome} — {o.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
