/** Deployment and operations decisions: lift priority, ROE, CIMIC, intelligence, responses. */
import { applyEffect, canAfford, emit, pay, roll, type StepContext } from '../context.js';
import { reject } from '../errors.js';
import { inDeployment, phaseOf } from '../phase.js';
import type { ScenarioTeam } from '../scenario/schema.js';
import { own, type SessionState } from '../state.js';
import { markActed } from './mandate.js';
import type { CommandSpec } from './spec.js';
import { lookup } from '../scenario/lookup.js';
import { audienceIncludes } from '../events.js';
import { audienceOf } from '../injects.js';

const inTheatre = (s: SessionState): boolean => {
  const p = phaseOf(s);
  return p === 'deployment' || p === 'operations' || p === 'transition';
};
const acted = (s: SessionState, team: string, what: string): boolean =>
  s.teams[team]?.acted.includes(what) ?? false;
const hasDeployed = (s: SessionState, nation: string): boolean =>
  (s.teams[nation]?.units.deployed ?? 0) > 0;

export const prioritiseLift: CommandSpec<'prioritiseLift'> = {
  who: ['alliance'],
  check: (s, c) => {
    if (!inDeployment(s, 'lift') && !inDeployment(s, 'ioc'))
      return reject('wrongPhase', 'strategic lift is not under way');
    const contingent = own(s.force.contingents, c.contingent);
    if (!contingent) return reject('unknownTarget', `no contingent '${c.contingent}'`);
    if (contingent.atHome === 0)
      return reject('impossible', `contingent '${c.contingent}' has already moved`);
    return s.public.lift.queue[0] === c.contingent
      ? reject('impossible', 'already first in the lift queue')
      : null;
  },
  apply: (ctx, c, team) => {
    const q = ctx.s.public.lift.queue;
    ctx.s.public.lift.queue = [c.contingent, ...q.filter((id) => id !== c.contingent)];
    emit(
      ctx,
      'decision',
      () => `${team?.name} gives contingent ${c.contingent} first call on strategic lift.`,
      'all',
      { team: team?.id ?? '' },
    );
  },
  options: (s) =>
    Object.values(s.force.contingents).map((c) => ({ type: 'prioritiseLift', contingent: c.id })),
};

export const setRoe: CommandSpec<'setRoe'> = {
  who: ['alliance'],
  check: (s, c) => {
    if (!inTheatre(s))
      return reject(
        'wrongPhase',
        'rules of engagement apply once forces are under alliance command',
      );
    return s.public.roe === c.posture ? reject('impossible', `ROE are already ${c.posture}`) : null;
  },
  apply: (ctx, c, team) => {
    ctx.s.public.roe = c.posture;
    emit(ctx, 'decision', () => `${team?.name} sets ${c.posture} rules of engagement.`, 'all', {
      team: team?.id ?? '',
    });
  },
  options: () =>
    (['restrictive', 'balanced', 'robust'] as const).map((posture) => ({
      type: 'setRoe',
      posture,
    })),
};

export const cimic: CommandSpec<'cimic'> = {
  who: ['nation', 'alliance'],
  check: (s, _c, team) => {
    const id = team?.id ?? '';
    if (phaseOf(s) !== 'operations' && phaseOf(s) !== 'transition')
      return reject('wrongPhase', 'CIMIC projects run during operations');
    if (team?.kind === 'nation' && !hasDeployed(s, id))
      return reject('impossible', `${team.name} has no forces in theatre`);
    if (acted(s, id, 'cimic')) return reject('alreadyActed', 'one CIMIC project per turn');
    return canAfford(s, s.scenario.actions.cimic.cost)
      ? null
      : reject('impossible', 'not enough resources for a CIMIC project');
  },
  apply: (ctx, _c, team) => runProject(ctx, team, 'cimic', 'CIMIC project'),
  options: () => [{ type: 'cimic' }],
};

export const shareIntel: CommandSpec<'shareIntel'> = {
  who: ['nation'],
  check: (s, _c, team) => {
    if (!inTheatre(s)) return reject('wrongPhase', 'intelligence sharing starts with deployment');
    if (acted(s, team?.id ?? '', 'shareIntel'))
      return reject('alreadyActed', 'one intelligence-sharing initiative per turn');
    return canAfford(s, s.scenario.actions.intelSharing.cost)
      ? null
      : reject('impossible', 'not enough resources');
  },
  apply: (ctx, _c, team) => runProject(ctx, team, 'intelSharing', 'intelligence sharing'),
  options: () => [{ type: 'shareIntel' }],
};

function runProject(
  ctx: StepContext,
  team: ScenarioTeam | undefined,
  action: 'cimic' | 'intelSharing',
  label: string,
): void {
  const id = team?.id ?? '';
  const tuning = ctx.scenario.actions[action];
  pay(ctx, tuning.cost);
  markActed(ctx, id, action === 'cimic' ? 'cimic' : 'shareIntel');
  const result = roll(
    ctx,
    { subject: action, title: () => `${team?.name}: ${label}`, team: id },
    tuning,
  );
  if (result === 'success') applyEffect(ctx, tuning.effect);
}

export const respond: CommandSpec<'respond'> = {
  who: ['nation', 'alliance'],
  check: (s, c, team) => {
    const active = own(s.injects.active, c.event);
    const def = lookup(s.scenario).event.get(c.event);
    // An inject the team may not see is, to that team, not active: the reply must not tell.
    const visible =
      def !== undefined && audienceIncludes(audienceOf(def), `team:${team?.id ?? ''}`);
    if (!active || !def || !visible) {
      return reject('unknownTarget', `inject '${c.event}' is not active`);
    }
    if (!def.response)
      return reject('impossible', `inject '${c.event}' takes no military response`);
    const contingent = own(s.force.contingents, c.contingent);
    if (!contingent) return reject('unknownTarget', `no contingent '${c.contingent}'`);
    if (team?.kind === 'nation' && contingent.nation !== team.id) {
      return reject('forbidden', 'a nation commits only its own contingents');
    }
    if (contingent.deployed === 0)
      return reject('impossible', `contingent '${c.contingent}' is not in theatre`);
    if (contingent.committedTo !== null)
      return reject('alreadyActed', `contingent '${c.contingent}' is already committed`);
    const need = def.response.capability;
    if (need !== undefined && contingent.capability !== need) {
      return reject('impossible', `'${c.event}' needs ${need}, not ${contingent.capability}`);
    }
    const barred = def.response.forbiddenBy.find((cv) => contingent.caveats.includes(cv));
    return barred
      ? reject('caveat', `caveat ${barred} bars contingent '${c.contingent}' from '${c.event}'`)
      : null;
  },
  apply: (ctx, c, team) => {
    const contingent = own(ctx.s.force.contingents, c.contingent);
    const active = own(ctx.s.injects.active, c.event);
    if (!contingent || !active) return;
    contingent.committedTo = c.event;
    active.responders.push(c.contingent);
    emit(ctx, 'decision', () => `${team?.name} commits ${c.contingent} to '${c.event}'.`, 'all', {
      team: team?.id ?? '',
    });
  },
  options: (s) =>
    Object.keys(s.injects.active).flatMap((event) =>
      Object.values(s.force.contingents).map((c) => ({
        type: 'respond' as const,
        event,
        contingent: c.id,
      })),
    ),
};
