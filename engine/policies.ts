/**
 * Default policies: how the engine plays each team that no human plays. A policy only ever
 * issues ordinary commands, through the same authority and legality checks as players.
 */
import { applyAs, checkAs } from './commands/index.js';
import { pledgeRoom } from './commands/force.js';
import type { CommandBody } from './commands/schema.js';
import { roll, type StepContext } from './context.js';
import { activeIds } from './injects.js';
import type { ForceGenerationContext } from './machines/force-generation.js';
import { inDeployment, inForceGeneration, inMandate, phaseOf } from './phase.js';
import type { Scenario, ScenarioTeam } from './scenario/schema.js';
import type { Issuer, SessionState } from './state.js';
import { lookup } from './scenario/lookup.js';

function issue(ctx: StepContext, team: ScenarioTeam, c: CommandBody): boolean {
  if (checkAs(ctx.s, issuerOf(team), team, c) !== null) return false;
  applyAs(ctx, team, c);
  return true;
}

const issuers = new WeakMap<ScenarioTeam, Issuer>();

/** `team:<id>`, made once per team: policies issue a few hundred commands a run. */
function issuerOf(team: ScenarioTeam): Issuer {
  let by = issuers.get(team);
  if (by === undefined) {
    by = `team:${team.id}`;
    issuers.set(team, by);
  }
  return by;
}

export function runPolicies(ctx: StepContext): void {
  const { s } = ctx;
  for (const team of ctx.scenario.teams) {
    if (s.teams[team.id]?.control !== 'policy') continue;
    if (s.status !== 'running') return;
    if (team.kind === 'alliance') alliancePolicy(ctx, team);
    else if (team.kind === 'nation') nationPolicy(ctx, team);
    else if (team.kind === 'un') diplomacyPolicy(ctx, team);
  }
}

/** The elected Council member most worth lobbying: the most inclined among the undecided. */
function swingMember(s: SessionState, sc: Scenario): string | undefined {
  let best: { id: string; support: number } | undefined;
  for (const m of sc.unsc?.members ?? []) {
    if (m.permanent || m.team !== undefined) continue;
    const support = s.control.unscSupport[m.id] ?? m.support;
    if (support < 0.6 && (!best || support > best.support)) best = { id: m.id, support };
  }
  return best?.id;
}

function diplomacyPolicy(ctx: StepContext, team: ScenarioTeam): void {
  if (!team.policy.diplomacy || !inMandate(ctx.s, 'unsc')) return;
  const target = swingMember(ctx.s, ctx.scenario);
  if (target) issue(ctx, team, { type: 'diplomacy', target });
}

function alliancePolicy(ctx: StepContext, team: ScenarioTeam): void {
  const { s } = ctx;
  diplomacyPolicy(ctx, team);
  if (inMandate(s, 'unsc.blocked')) {
    if (!issue(ctx, team, { type: 'proceedWithoutMandate' })) issue(ctx, team, { type: 'abandon' });
  } else if (inMandate(s, 'unsc.drafting') && !ctx.scenario.unsc?.penholders.includes(team.id)) {
    // Nothing: a penholder tables the draft.
  } else if (inMandate(s, 'nac.drafting') || inMandate(s, 'nac.broken')) {
    issue(ctx, team, { type: 'circulate' });
  } else if (inForceGeneration(s, 'gapReview')) {
    gapReview(ctx, team);
  } else if (inForceGeneration(s, 'toaReady')) {
    issue(ctx, team, { type: 'transferAuthority' });
  }
  if (phaseOf(s) === 'deployment' || phaseOf(s) === 'operations' || phaseOf(s) === 'transition') {
    if (s.public.roe !== team.policy.roe)
      issue(ctx, team, { type: 'setRoe', posture: team.policy.roe });
    if (team.policy.respond) respondToInjects(ctx, team);
  }
}

function gapReview(ctx: StepContext, team: ScenarioTeam): void {
  const fg = ctx.s.machines.forceGeneration.context as ForceGenerationContext;
  const required = ctx.scenario.forceGeneration.cjsor.reduce((n, x) => n + x.required, 0);
  const wantMore = fg.criticalGaps > 0 || fg.gaps > 0.2 * required;
  if (wantMore && issue(ctx, team, { type: 'reask' })) return;
  if (!issue(ctx, team, { type: 'acceptGaps' })) issue(ctx, team, { type: 'abandon' });
}

/** Commits the first eligible idle contingent to each active inject that takes a response. */
function respondToInjects(ctx: StepContext, team: ScenarioTeam): void {
  const { s } = ctx;
  for (const event of activeIds(s)) {
    const active = s.injects.active[event];
    const response = lookup(ctx.scenario).event.get(event)?.response;
    if (!active || !response || active.responders.length > 0) continue;
    // A cheap pre-filter; `issue` still applies the full rule to the chosen contingent.
    const contingent = s.public.lift.queue.find((id) => {
      const c = s.force.contingents[id];
      return (
        c !== undefined &&
        c.deployed > 0 &&
        c.committedTo === null &&
        (response.capability === undefined || c.capability === response.capability) &&
        !response.forbiddenBy.some((cv) => c.caveats.includes(cv))
      );
    });
    if (contingent !== undefined) issue(ctx, team, { type: 'respond', event, contingent });
  }
}

function nationPolicy(ctx: StepContext, team: ScenarioTeam): void {
  const { s } = ctx;
  const support = s.teams[team.id]?.support ?? team.support;
  // The phase first: it rules out most of the questions below (a nation is asked every turn).
  const phase = phaseOf(s);
  if (phase === 'mandate') nationMandatePolicy(ctx, team, support);
  else if (phase === 'forceGeneration') {
    if (inForceGeneration(s, 'pledging')) pledgePolicy(ctx, team, support);
  } else if (phase === 'operations' || phase === 'transition') {
    if (team.policy.cimic) issue(ctx, team, { type: 'cimic' });
  }
  if (team.policy.shareIntel && (inDeployment(s, 'lift') || phaseOf(s) === 'operations')) {
    issue(ctx, team, { type: 'shareIntel' });
  }
}

function nationMandatePolicy(ctx: StepContext, team: ScenarioTeam, support: number): void {
  const { s } = ctx;
  if (inMandate(s, 'unsc')) {
    diplomacyPolicy(ctx, team);
    const unsc = ctx.scenario.unsc;
    if (unsc?.members.some((m) => m.team === team.id)) {
      const draftChapter = s.public.mandate.chapter ?? unsc.chapter;
      issue(ctx, team, { type: 'draftResolution', chapter: draftChapter });
      const penalty = draftChapter === 'VII' ? unsc.chapterVIIPenalty : 0;
      const vote = support - penalty >= 0.5 ? 'yes' : support - penalty >= 0.3 ? 'abstain' : 'no';
      issue(ctx, team, { type: 'castVote', vote });
    } else if (unsc?.penholders.includes(team.id)) {
      issue(ctx, team, { type: 'draftResolution', chapter: unsc.chapter });
    }
  } else if (
    inMandate(s, 'nac.silence') &&
    team.nato &&
    s.turn >= (s.public.mandate.nac.deadline ?? 0)
  ) {
    nacStance(ctx, team, support);
  } else if (inMandate(s, 'national') && s.public.mandate.approvals[team.id] === 'pending') {
    issue(ctx, team, { type: 'nationalDecision', approve: support >= 0.35 });
  }
}

/** At the silence deadline: object, acquiesce with a reservation, or stay silent. */
function nacStance(ctx: StepContext, team: ScenarioTeam, support: number): void {
  const nac = ctx.scenario.nac;
  const stance =
    team.policy.nac ??
    (support < nac.objectBelow ? 'object' : support < nac.reserveBelow ? 'reserve' : 'silent');
  if (stance === 'object') issue(ctx, team, { type: 'breakSilence', reason: 'national position' });
  else if (stance === 'reserve') {
    const caveat = team.caveats.includes('noOffensiveOps') ? 'regionRestricted' : 'noOffensiveOps';
    issue(ctx, team, { type: 'reservation', caveat });
  }
}

function pledgePolicy(ctx: StepContext, team: ScenarioTeam, support: number): void {
  const { s } = ctx;
  if (s.public.mandate.approvals[team.id] !== 'approved' || team.policy.pledge === 'none') return;
  for (const slot of ctx.scenario.forceGeneration.cjsor) {
    if (!team.offers[slot.capability]) continue;
    const room = pledgeRoom(s, team, slot.id);
    if (room === 0) continue;
    if (team.policy.pledge === 'minimal') {
      issue(ctx, team, { type: 'pledge', slot: slot.id, units: 1 });
      return;
    }
    if (team.policy.pledge === 'partial') {
      const outcome = rollPledge(ctx, team, slot.id, support);
      if (outcome === 'failure') continue;
    }
    issue(ctx, team, { type: 'pledge', slot: slot.id, units: room });
  }
}

function rollPledge(ctx: StepContext, team: ScenarioTeam, slot: string, support: number) {
  const alliance = lookup(ctx.scenario).alliance;
  return roll(
    ctx,
    {
      subject: 'pledge',
      title: () => `${team.name} weighs a pledge to ${slot}`,
      team: team.id,
      audience: [team.id, alliance],
    },
    ctx.scenario.actions.pledge,
    [{ label: 'national support', value: Math.round((support - 0.5) * 0.6 * 1e6) / 1e6 }],
  );
}
