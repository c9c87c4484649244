/**
 * The start page: pick a bundled scenario (with its briefing), choose or draw a seed, create a
 * session, and hand out one join link per role.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CreateSessionResponse } from '../../../server/protocol.js';
import { Briefing } from '../components/Briefing.js';
import { CopyLink, joinUrl } from '../components/CopyLink.js';
import { ApiFailure, createSession, listScenarios, type ScenarioSummary } from '../lib/api.js';
import { words } from '../lib/format.js';

/** Eight random bytes in hex: a seed anyone can read out and type in again. */
const drawSeed = (): string =>
  [...crypto.getRandomValues(new Uint8Array(8))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');

export function StartPage() {
  const [scenarios, setScenarios] = useState<ScenarioSummary[] | undefined>();
  const [chosen, setChosen] = useState('');
  const [seed, setSeed] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreateSessionResponse | undefined>();

  useEffect(() => {
    document.title = 'Start an exercise — ttx';
    listScenarios().then(
      (list) => {
        setScenarios(list);
        setChosen(list.find((s) => s.id === 'tutorial')?.id ?? list[0]?.id ?? '');
      },
      (err: unknown) => setError(err instanceof ApiFailure ? err.message : String(err)),
    );
  }, []);

  const scenario = scenarios?.find((s) => s.id === chosen);
  const create = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      setCreated(await createSession(chosen, seed));
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="start">
      <header class="status-bar">
        <div class="status-title">
          <p class="role-name">ttx — tabletop crisis-response exercises</p>
          <h1>Start an exercise</h1>
        </div>
      </header>
      <div role="alert" class="alert-slot">
        {error && <p class="error">{error}</p>}
      </div>
      {created ? (
        <Links created={created} scenario={scenario} />
      ) : (
        <form
          class="start-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (chosen) void create();
          }}
        >
          <section class="panel" aria-labelledby="scenario-title">
            <h2 id="scenario-title">1. Scenario</h2>
            {!scenarios && !error && <p class="muted">Loading the scenarios…</p>}
            <div class="scenario-picker">
              <fieldset class="choices">
                <legend class="visually-hidden">Bundled scenarios</legend>
                {scenarios?.map((s) => (
                  <label key={s.id} class="choice scenario-choice">
                    <input
                      type="radio"
                      name="scenario"
                      value={s.id}
                      checked={chosen === s.id}
                      onChange={() => setChosen(s.id)}
                    />
                    <span>
                      <strong>{s.title}</strong>
                      <span class="muted">
                        {' '}
                        {s.period ? `${s.period} · ` : ''}
                        {s.maxTurns} turns · {s.teams.length} teams
                      </span>
                    </span>
                  </label>
                ))}
              </fieldset>
              {scenario && (
                <article class="scenario-brief" aria-labelledby="brief-title">
                  <h3 id="brief-title">Briefing: {scenario.title}</h3>
                  <Briefing text={scenario.briefing} />
                  <h4>Teams</h4>
                  <ul class="plain">
                    {scenario.teams.map((t) => (
                      <li key={t.id}>
                        {t.name} <span class="muted">({words(t.kind)})</span>
                      </li>
                    ))}
                  </ul>
                </article>
              )}
            </div>
          </section>
          <section class="panel" aria-labelledby="seed-title">
            <h2 id="seed-title">2. Seed</h2>
            <p class="muted">
              The same scenario, seed and decisions always play out the same way. Leave it empty for
              a random seed.
            </p>
            <div class="field seed-row">
              <label for="seed">Seed</label>
              <input
                id="seed"
                type="text"
                maxLength={128}
                value={seed}
                onInput={(e) => setSeed(e.currentTarget.value)}
                autoComplete="off"
              />
              <button type="button" onClick={() => setSeed(drawSeed())}>
                Draw a seed
              </button>
            </div>
          </section>
          <section class="panel">
            <h2>3. Create</h2>
            <button type="submit" class="primary" disabled={!chosen || busy}>
              {busy ? 'Creating…' : 'Create the session'}
            </button>
          </section>
        </form>
      )}
    </main>
  );
}

function roleLabel(role: string, scenario: ScenarioSummary | undefined): string {
  if (role === 'facilitator') return 'White cell (facilitator)';
  if (role === 'observer') return 'Observers (projector)';
  const id = role.slice(5);
  const team = scenario?.teams.find((t) => t.id === id);
  return team ? `${team.name} (${words(team.kind)})` : role;
}

function Links({
  created,
  scenario,
}: {
  created: CreateSessionResponse;
  scenario: ScenarioSummary | undefined;
}) {
  const roles = Object.keys(created.tokens).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const facilitator = created.tokens['facilitator'];
  return (
    <section class="panel" aria-labelledby="links-title">
      <h2 id="links-title">Session created</h2>
      <p>
        <strong>{created.scenario.title}</strong>, seed{' '}
        <code data-testid="seed">{created.seed}</code>, session{' '}
        <code data-testid="session">{created.session}</code>.
      </p>
      <p class="warning">
        These links are the keys to the exercise: whoever opens a team's link plays that team. They
        are shown only once — copy them now. The white cell can issue a new link for any role from
        its console.
      </p>
      {facilitator && (
        <p>
          <a class="button primary" href={joinUrl(facilitator)} data-testid="open-console">
            Open the white cell console
          </a>
        </p>
      )}
      <ul class="plain link-list">
        {roles.map((role) => (
          <li key={role} data-role={role}>
            <CopyLink
              id={`link-${role.replace(':', '-')}`}
              label={roleLabel(role, scenario)}
              url={joinUrl(created.tokens[role] ?? '')}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}

const rank = (role: string): number => (role === 'facilitator' ? 0 : role === 'observer' ? 2 : 1);
