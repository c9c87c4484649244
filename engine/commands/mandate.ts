/** Mandate decisions: UNSC drafts, votes and diplomacy; NAC silence; national approvals. */
import {
  adjustSupport,
  canAfford,
  emit,
  pay,
  roll,
  setFactor,
  type StepContext,
} from '../context.js';
import { reject } from '../errors.js';
import type { MandateContext } from '../machines/mandate.js';
import {
  inForceGeneration,
  inMandate,
  phaseOf,
  sendForceGeneration,
  sendMandate,
} from '../phase.js';
import type { ScenarioTeam } from '../scenario/schema.js';
import type { SessionState } from '../state.js';
import type { CommandSpec } from './spec.js';
import { lookup } from '../scenario/lookup.js';

const mandateContext = (s: SessionState): MandateContext =>
  s.machines.mandate.context as MandateContext;
const name = (s: SessionState, id: string): string => lookup(s.scenario).name.get(id) ?? id;
const teamOf = (team: ScenarioTeam | undefined): string => team?.id ?? '';
const acted = (s: SessionState, team: string, what: string): boolean =>
  s.teams[team]?.acted.includes(what) ?? false;

export function markActed(ctx: StepContext, team: string, what: string): void {
  ctx.s.teams[team]?.acted.push(what);
}

export const draftResolution: CommandSpec<'draftResolution'> = {
  who: ['nation', 'alliance', 'un'],
  check: (s, _c, team) => {
    if (!s.scenario.unsc?.penholders.includes(teamOf(team))) {
      return reject('forbidden', 'only a penholder may table a draft resolution');
    }
    if (!inMandate(s, 'unsc.drafting')) return reject('wrongPhase', 'no draft can be tabled now');
    const m = mandateContext(s);
    return m.drafts < m.maxDrafts ? null : reject('impossible', 'no further drafts may be tabled');
  },
  apply: (ctx, c, team) => {
    ctx.s.public.mandate.chapter = c.chapter;
    emit(
      ctx,
      'decision',
      () =>
        `${team?.name} tables a Chapter ${c.chapter} draft resolution; the Council votes at the end of next turn.`,
      'all',
      { team: teamOf(team) },
    );
    sendMandate(ctx, { type: 'DRAFT', chapter: c.chapter });
  },
  options: () => [
    { type: 'draftResolution', chapter: 'VII' },
    { type: 'draftResolution', chapter: 'VI' },
  ],
};

export const castVote: CommandSpec<'castVote'> = {
  who: ['nation', 'alliance', 'un'],
  check: (s, _c, team) => {
    if (!s.scenario.unsc?.members.some((m) => m.team === teamOf(team))) {
      return reject('forbidden', 'this team holds no Security Council seat');
    }
    if (!inMandate(s, 'unsc.voting'))
      return reject('wrongPhase', 'no resolution is being voted on');
    return s.teams[teamOf(team)]?.vote
      ? reject('alreadyActed', 'this team has already voted')
      : null;
  },
  apply: (ctx, c, team) => {
    const t = ctx.s.teams[teamOf(team)];
    if (t) t.vote = c.vote;
    emit(
      ctx,
      'decision',
      () => `${team?.name} casts its vote (secret until the tally): ${c.vote}.`,
      [teamOf(team)],
      { team: teamOf(team) },
    );
  },
  options: () => [
    { type: 'castVote', vote: 'yes' },
    { type: 'castVote', vote: 'no' },
    { type: 'castVote', vote: 'abstain' },
  ],
};

export const proceedWithoutMandate: CommandSpec<'proceedWithoutMandate'> = {
  who: ['alliance'],
  check: (s) => {
    if (!s.scenario.unsc?.withoutMandate.allowed) {
      return reject('impossible', 'this scenario does not allow acting without a UN mandate');
    }
    return inMandate(s, 'unsc.drafting') || inMandate(s, 'unsc.blocked')
      ? null
      : reject('wrongPhase', 'the UN route is not open now');
  },
  apply: (ctx, _c, team) => {
    const cost = ctx.scenario.unsc?.withoutMandate.legitimacyCost ?? 0;
    ctx.s.public.mandate.withoutMandate = true;
    setFactor(ctx, 'legitimacy', (ctx.s.public.factors['legitimacy'] ?? 0) - cost);
    emit(
      ctx,
      'decision',
      () =>
        `${team?.name} decides to act without a UN Security Council mandate (legitimacy −${cost}).`,
      'all',
      { team: teamOf(team) },
    );
    sendMandate(ctx, { type: 'PROCEED_WITHOUT_MANDATE' });
  },
  options: () => [{ type: 'proceedWithoutMandate' }],
};

export const abandon: CommandSpec<'abandon'> = {
  who: ['alliance'],
  check: (s) =>
    inMandate(s, 'unsc.blocked') || inMandate(s, 'nac.broken') || inForceGeneration(s, 'gapReview')
      ? null
      : reject('wrongPhase', 'nothing can be abandoned now'),
  apply: (ctx, _c, team) => {
    emit(ctx, 'decision', () => `${team?.name} abandons the operation.`, 'all', {
      team: teamOf(team),
    });
    if (inForceGeneration(ctx.s, 'gapReview')) sendForceGeneration(ctx, { type: 'ABANDON' });
    else sendMandate(ctx, { type: 'ABANDON' });
  },
  options: () => [{ type: 'abandon' }],
};

/** Lobbying: an elected Council member during the UN phase, or another nation until TOA. */
export const diplomacy: CommandSpec<'diplomacy'> = {
  who: ['nation', 'alliance', 'un'],
  check: (s, c, team) => {
    const id = teamOf(team);
    const member = lookup(s.scenario).member.get(c.target);
    if (member) {
      if (member.permanent)
        return reject('impossible', 'permanent members are not moved by lobbying here');
      if (!inMandate(s, 'unsc'))
        return reject('wrongPhase', 'the Security Council is not deliberating');
    } else {
      const target = lookup(s.scenario).team.get(c.target);
      if (!target || target.kind !== 'nation')
        return reject('unknownTarget', `no nation or elected Council member '${c.target}'`);
      if (target.id === id) return reject('impossible', 'a team cannot lobby itself');
      if (phaseOf(s) !== 'mandate' && phaseOf(s) !== 'forceGeneration') {
        return reject('wrongPhase', 'diplomacy with allies happens before transfer of authority');
      }
    }
    if (acted(s, id, 'diplomacy'))
      return reject('alreadyActed', 'one diplomatic initiative per turn');
    return canAfford(s, s.scenario.actions.diplomacy.cost)
      ? null
      : reject('impossible', 'not enough resources');
  },
  apply: (ctx, c, team) => {
    const id = teamOf(team);
    const tuning = ctx.scenario.actions.diplomacy;
    pay(ctx, tuning.cost);
    markActed(ctx, id, 'diplomacy');
    const result = roll(
      ctx,
      {
        subject: 'diplomacy',
        title: () => `${team?.name} lobbies ${name(ctx.s, c.target)}`,
        team: id,
        audience: [id],
      },
      tuning,
    );
    if (result === 'success') adjustSupport(ctx, c.target, tuning.shift);
  },
  options: (s) => [
    ...(s.scenario.unsc?.members
      .filter((m) => !m.permanent)
      .map((m) => ({ type: 'diplomacy' as const, target: m.id })) ?? []),
    ...s.scenario.teams
      .filter((t) => t.kind === 'nation')
      .map((t) => ({ type: 'diplomacy' as const, target: t.id })),
  ],
};

export const circulate: CommandSpec<'circulate'> = {
  who: ['alliance'],
  check: (s) => {
    if (inMandate(s, 'nac.drafting')) return null;
    if (!inMandate(s, 'nac.broken'))
      return reject('wrongPhase', 'no NAC decision can be circulated now');
    const m = mandateContext(s);
    return m.circulations < m.maxCirculations ? null : reject('impossible', 'no circulations left');
  },
  apply: (ctx, _c, team) => circulateDraft(ctx, team),
  options: () => [{ type: 'circulate' }],
};

/** Starts (or restarts, after consultations with the objectors) the silence procedure. */
function circulateDraft(ctx: StepContext, by: ScenarioTeam | undefined): void {
  const nac = ctx.s.public.mandate.nac;
  // Consultations after a broken silence move each objector towards the draft.
  for (const objector of nac.objections)
    adjustSupport(ctx, objector, ctx.scenario.actions.diplomacy.shift);
  nac.objections = [];
  nac.deadline = ctx.s.turn + ctx.scenario.nac.silenceTurns;
  emit(
    ctx,
    'decision',
    () =>
      `${by?.name ?? 'The alliance'} circulates the draft NAC decision under silence procedure until the end of turn ${nac.deadline}.`,
    'all',
    { team: teamOf(by) },
  );
  sendMandate(ctx, { type: 'CIRCULATE' });
}

const natoNation = (team: ScenarioTeam | undefined): boolean =>
  team?.kind === 'nation' && team.nato;

export const breakSilence: CommandSpec<'breakSilence'> = {
  who: ['nation'],
  check: (s, _c, team) => {
    if (!natoNation(team)) return reject('forbidden', 'only a NAC member can break silence');
    return inMandate(s, 'nac.silence')
      ? null
      : reject('wrongPhase', 'no draft is under silence procedure');
  },
  apply: (ctx, c, team) => objectToDraft(ctx, teamOf(team), c.reason),
  options: () => [{ type: 'breakSilence' }],
};

function objectToDraft(ctx: StepContext, team: string, reason?: string): void {
  ctx.s.public.mandate.nac.objections.push(team);
  emit(
    ctx,
    'decision',
    () =>
      `${name(ctx.s, team)} breaks silence${reason ? `: ${reason}` : ''}. Consensus fails for now.`,
    'all',
    { team },
  );
  setFactor(ctx, 'consensus', (ctx.s.public.factors['consensus'] ?? 0) - 0.05);
  sendMandate(ctx, { type: 'OBJECTION', by: team });
}

export const reservation: CommandSpec<'reservation'> = {
  who: ['nation'],
  check: (s, c, team) => {
    if (!natoNation(team)) return reject('forbidden', 'only a NAC member can enter a reservation');
    if (!inMandate(s, 'nac.silence'))
      return reject('wrongPhase', 'no draft is under silence procedure');
    return s.teams[teamOf(team)]?.caveats.includes(c.caveat)
      ? reject('alreadyActed', `caveat ${c.caveat} is already in force`)
      : null;
  },
  apply: (ctx, c, team) => enterReservation(ctx, teamOf(team), c.caveat),
  options: () =>
    (['noOffensiveOps', 'noNightOps', 'regionRestricted'] as const).map((caveat) => ({
      type: 'reservation' as const,
      caveat,
    })),
};

function enterReservation(
  ctx: StepContext,
  team: string,
  caveat: ScenarioTeam['caveats'][number],
): void {
  ctx.s.public.mandate.nac.reservations.push({ team, caveat });
  ctx.s.teams[team]?.caveats.push(caveat);
  emit(
    ctx,
    'decision',
    () =>
      `${name(ctx.s, team)} acquiesces with a reservation: its forces will operate under caveat ${caveat}.`,
    'all',
    { team },
  );
  sendMandate(ctx, { type: 'RESERVATION', by: team });
}

export const nationalDecision: CommandSpec<'nationalDecision'> = {
  who: ['nation'],
  check: (s, _c, team) => {
    if (!inMandate(s, 'national'))
      return reject('wrongPhase', 'national approvals are not under way');
    return s.public.mandate.approvals[teamOf(team)] === 'pending'
      ? null
      : reject('alreadyActed', 'this nation has already decided');
  },
  apply: (ctx, c, team) => {
    if (team) decideNationally(ctx, team, c.approve);
  },
  options: () => [
    { type: 'nationalDecision', approve: true },
    { type: 'nationalDecision', approve: false },
  ],
};

/**
 * A government's decision to deploy; where a parliament must consent, a vote is rolled on
 * legitimacy, consensus and the nation's own support.
 */
function decideNationally(ctx: StepContext, team: ScenarioTeam, approve: boolean): void {
  let approved = approve;
  if (approve && team.parliament) {
    const tuning = ctx.scenario.actions.parliament;
    const support = ctx.s.teams[team.id]?.support ?? 0.5;
    approved =
      roll(
        ctx,
        {
          subject: 'parliament',
          title: () => `${team.name}: parliamentary vote on deployment`,
          team: team.id,
        },
        tuning,
        [
          {
            label: 'government support',
            value: Math.round(tuning.supportWeight * (support - 0.5) * 1e6) / 1e6,
          },
        ],
      ) === 'success';
  }
  ctx.s.public.mandate.approvals[team.id] = approved ? 'approved' : 'refused';
  emit(
    ctx,
    'decision',
    () => `${team.name} ${approved ? 'approves' : 'declines'} a national contribution.`,
    'all',
    { team: team.id },
  );
}
