/**
 * Every team: who plays it (players or default policy), what it has done this turn, and its
 * join link (revoke it, or issue a new one).
 */
import { useState } from 'preact/hooks';
import type { CommandBody } from '../../../../engine/commands/schema.js';
import type { SessionState } from '../../../../engine/state.js';
import { CopyLink, joinUrl } from '../../components/CopyLink.js';
import type { LiveSession } from '../../session/live-session.js';
import { RefusedError } from '../../session/live-session.js';

interface Props {
  readonly live: LiveSession;
  readonly full: SessionState;
  readonly done: ReadonlyMap<string, readonly string[]>;
  readonly legal: readonly CommandBody[];
  readonly ready: boolean;
  readonly onSend: (c: CommandBody) => void;
}

export function TeamsTable({ live, full, done, legal, ready, onSend }: Props) {
  const [links, setLinks] = useState<Record<string, { url?: string; message: string }>>({});
  const revoke = async (role: string, name: string, reissue: boolean): Promise<void> => {
    const verb = reissue ? 'A new link was issued' : 'The link was revoked';
    try {
      const token = await live.revoke(role, reissue);
      setLinks((l) => ({
        ...l,
        [role]: {
          ...(token ? { url: joinUrl(token) } : {}),
          message: `${verb} for ${name}; the old one no longer works.`,
        },
      }));
    } catch (err) {
      const why = err instanceof RefusedError ? err.message : String(err);
      setLinks((l) => ({ ...l, [role]: { message: `Not done: ${why}` } }));
    }
  };
  const teams = full.scenario.teams;
  const roles = [
    ...teams.map((t) => ({ role: `team:${t.id}`, name: t.name, team: t.id })),
    { role: 'observer', name: 'Observers', team: undefined },
  ];
  return (
    <section class="panel" aria-labelledby="teams-title">
      <h2 id="teams-title">Teams</h2>
      <div class="table-scroll">
        <table class="teams">
          <thead>
            <tr>
              <th scope="col">Team</th>
              <th scope="col">Played by</th>
              <th scope="col">Done this turn</th>
              <th scope="col">Link</th>
            </tr>
          </thead>
          <tbody>
            {roles.map(({ role, name, team }) => {
              const state = team === undefined ? undefined : full.teams[team];
              const toggle = legal.find((c) => c.type === 'setControl' && c.team === team);
              const did = team === undefined ? [] : (done.get(team) ?? []);
              const link = links[role];
              return (
                <tr key={role} data-role={role}>
                  <th scope="row">{name}</th>
                  <td>
                    {state ? (state.control === 'human' ? 'Players' : 'Default policy') : '—'}
                    {toggle?.type === 'setControl' && (
                      <button
                        type="button"
                        class="small"
                        disabled={!ready}
                        onClick={() => onSend(toggle)}
                      >
                        {toggle.mode === 'human' ? 'Hand to players' : 'Hand to policy'}
                        <span class="visually-hidden"> ({name})</span>
                      </button>
                    )}
                  </td>
                  <td data-testid={`done-${team ?? 'observer'}`}>
                    {did.length ? (
                      <ul class="plain">
                        {did.map((t, i) => (
                          <li key={i}>{t}</li>
                        ))}
                      </ul>
                    ) : state?.vote ? (
                      'vote cast'
                    ) : (
                      <span class="muted">nothing yet</span>
                    )}
                  </td>
                  <td>
                    <div class="buttons">
                      <button
                        type="button"
                        class="small"
                        onClick={() => void revoke(role, name, true)}
                      >
                        New link<span class="visually-hidden"> for {name}</span>
                      </button>
                      <button
                        type="button"
                        class="small"
                        onClick={() => void revoke(role, name, false)}
                      >
                        Revoke<span class="visually-hidden"> the link of {name}</span>
                      </button>
                    </div>
                    <div role="status" aria-live="polite">
                      {link && <p class="small-print">{link.message}</p>}
                    </div>
                    {link?.url && (
                      <CopyLink id={`link-${role}`} label={`New link: ${name}`} url={link.url} />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
