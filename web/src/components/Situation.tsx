/**
 * The public situation every role sees: factors (now and over time), the phase timeline, the
 * mandate, and the force's build-up. Nothing here is confidential.
 */
import type { View } from '../../../engine/views.js';
import type { StageChange } from '../lib/phases.js';
import { caveatLabel, words } from '../lib/format.js';
import { FactorChart } from './FactorChart.js';
import { FactorGauges } from './FactorGauges.js';
import { PhaseTimeline } from './PhaseTimeline.js';

interface Props {
  readonly view: View;
  readonly changes: readonly StageChange[];
  readonly large?: boolean;
}

export function FactorsPanel({ view, large = false }: { view: View; large?: boolean }) {
  return (
    <section class="panel" aria-labelledby="factors-title">
      <h2 id="factors-title">Factors</h2>
      <FactorGauges factors={view.public.factors} labels={view.scenario.factors} />
      <FactorChart
        history={view.public.history}
        labels={view.scenario.factors}
        maxTurns={view.scenario.clock.maxTurns}
        large={large}
      />
      {Object.keys(view.public.resources).length > 0 && (
        <p class="resources">
          Resources:{' '}
          {Object.entries(view.public.resources)
            .map(([id, v]) => `${words(id)} ${v}`)
            .join(' · ')}
        </p>
      )}
    </section>
  );
}

export function TimelinePanel({ view, changes }: Props) {
  return (
    <section class="panel" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Phases</h2>
      <PhaseTimeline
        changes={changes}
        turn={view.turn}
        maxTurns={view.scenario.clock.maxTurns}
        ended={view.status === 'ended'}
      />
    </section>
  );
}

export function MandatePanel({ view }: { view: View }) {
  const { mandate } = view.public;
  const teamName = (id: string): string => view.scenario.teams.find((t) => t.id === id)?.name ?? id;
  const approvals = Object.entries(mandate.approvals);
  return (
    <section class="panel" aria-labelledby="mandate-title">
      <h2 id="mandate-title">Mandate</h2>
      <p>
        {mandate.chapter
          ? `UN Security Council mandate under Chapter ${mandate.chapter}.`
          : mandate.withoutMandate
            ? 'Acting without a UN Security Council mandate.'
            : 'No UN Security Council mandate yet.'}
      </p>
      {mandate.votes.length > 0 && (
        <ul class="plain">
          {mandate.votes.map((v) => {
            const count = (vote: string): number => v.ballot.filter((b) => b.vote === vote).length;
            return (
              <li key={v.draft}>
                Draft {v.draft} (Chapter {v.chapter}): {count('yes')} yes, {count('no')} no,{' '}
                {count('abstain')} abstain —{' '}
                <strong>{v.adopted ? 'adopted' : 'not adopted'}</strong>
              </li>
            );
          })}
        </ul>
      )}
      {(mandate.nac.deadline !== null ||
        mandate.nac.objections.length > 0 ||
        mandate.nac.reservations.length > 0) && (
        <p>
          North Atlantic Council:{' '}
          {mandate.nac.deadline !== null &&
            `silence procedure deadline: the end of turn ${mandate.nac.deadline}. `}
          {mandate.nac.objections.length > 0 &&
            `Silence broken by ${mandate.nac.objections.map(teamName).join(', ')}. `}
          {mandate.nac.reservations.length > 0 &&
            `Reservations: ${mandate.nac.reservations.map((r) => `${teamName(r.team)} (${caveatLabel(r.caveat)})`).join(', ')}.`}
        </p>
      )}
      {approvals.length > 0 && (
        <ul class="plain">
          {approvals.map(([team, status]) => (
            <li key={team}>
              {teamName(team)}: {status === 'pending' ? 'national decision pending' : status}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function ForcePanel({ view }: { view: View }) {
  const { cjsor, units, lift, roe } = view.public;
  return (
    <section class="panel" aria-labelledby="force-title">
      <h2 id="force-title">Force</h2>
      <table>
        <caption class="visually-hidden">Statement of requirements (CJSOR): units pledged</caption>
        <thead>
          <tr>
            <th scope="col">Slot</th>
            <th scope="col">Capability</th>
            <th scope="col">Pledged</th>
          </tr>
        </thead>
        <tbody>
          {view.scenario.cjsor.map((s) => (
            <tr key={s.id}>
              <th scope="row">
                {s.id}
                {s.critical && <span class="tag">critical</span>}
              </th>
              <td>{words(s.capability)}</td>
              <td>
                {cjsor[s.id] ?? 0} of {s.required}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        Units: {units.total} pledged, {units.atHome} at home, {units.arrived} arrived,{' '}
        {units.deployed} deployed. Strategic lift {lift.capacity} a turn. Rules of engagement: {roe}
        .
      </p>
    </section>
  );
}
