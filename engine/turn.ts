/**
 * The turn clock. `advance` ends the current turn and opens the next:
 *   1. teams played by policy take their decisions for the turn;
 *   2. the phase's end-of-turn business (UNSC tally, NAC deadline, approvals, pledge round,
 *      lift and RSOM, sustainment) is done;
 *   3. active injects are resolved;
 *   4. the next turn opens: end conditions are checked, then new injects fire.
 */
import { applyEffect, emit, roll, setFactor, type StepContext } from './context.js';
import { appendTo } from './fork.js';
import { conditionHolds, triggerInjects, resolveActiveInjects } from './injects.js';
import { resolutionAdopted, tallyBallot, type BallotEntry, type Vote } from './machines/mandate.js';
import {
  inDeployment,
  inForceGeneration,
  inMandate,
  phaseOf,
  sendDeployment,
  sendExercise,
  sendForceGeneration,
  sendMandate,
} from './phase.js';
import { runPolicies } from './policies.js';
import type { Rng } from './rng.js';
import type { SessionState } from './state.js';

/**
 * The factors as they stand, for the history. `Object.assign`, not a spread: V8 gave each
 * spread copy of this record a hidden class of its own, and the history keeps them all (a
 * session's heap was a fifth hidden classes; see the note on issue 4).
 */
const factorsNow = (s: SessionState): Record<string, number> => Object.assign({}, s.public.factors);

export function startExercise(ctx: StepContext): void {
  const { s } = ctx;
  s.status = 'running';
  s.turn = 1;
  emit(ctx, 'started', () => `${ctx.scenario.title} begins.`);
  sendExercise(ctx, { type: 'START' });
  s.public.history = appendTo(s.public.history, { turn: 1, factors: factorsNow(s) });
  triggerInjects(ctx);
}

export function advanceTurn(ctx: StepContext): void {
  const { s } = ctx;
  runPolicies(ctx);
  if (s.status === 'running') closeTurn(ctx);
  if (s.status === 'running') resolveActiveInjects(ctx);
  if (s.status !== 'running') return;
  if (s.turn >= ctx.scenario.clock.maxTurns) {
    const phase = phaseOf(s);
    const partial = phase === 'operations' || phase === 'transition';
    sendExercise(
      ctx,
      { type: 'TIMEOUT', partial },
      partial
        ? 'time ran out with the mission under way'
        : 'time ran out before the force was operating',
    );
    return;
  }
  s.turn += 1;
  for (const id in s.teams) {
    const t = s.teams[id];
    if (!t) continue;
    if (t.acted.length) t.acted = [];
    if (t.vote !== null && !inMandate(s, 'unsc.voting')) t.vote = null;
  }
  s.public.history = appendTo(s.public.history, { turn: s.turn, factors: factorsNow(s) });
  emit(ctx, 'turn', () => `— Turn ${s.turn} —`);
  openTurn(ctx);
  if (s.status === 'running') triggerInjects(ctx);
}

function closeTurn(ctx: StepContext): void {
  const { s } = ctx;
  // Every step of a phase takes at least one full turn: what began this turn closes next turn.
  if (s.turn <= s.public.phaseSince) return;
  switch (phaseOf(s)) {
    case 'mandate':
      if (inMandate(s, 'unsc.voting')) tallyVote(ctx);
      else if (inMandate(s, 'nac.silence') && s.turn >= (s.public.mandate.nac.deadline ?? 0)) {
        emit(ctx, 'decision', 'Silence was not broken: the North Atlantic Council approves.');
        sendMandate(ctx, { type: 'DEADLINE' });
        for (const t of ctx.scenario.teams) {
          if (t.kind === 'nation') s.public.mandate.approvals[t.id] = 'pending';
        }
      } else if (inMandate(s, 'national')) {
        const decided = Object.values(s.public.mandate.approvals).every((a) => a !== 'pending');
        if (decided) {
          const approved = Object.values(s.public.mandate.approvals).filter(
            (a) => a === 'approved',
          ).length;
          sendMandate(ctx, { type: 'APPROVALS_DONE', approved });
        }
      }
      break;
    case 'forceGeneration':
      if (inForceGeneration(s, 'pledging')) closePledgeRound(ctx);
      break;
    case 'deployment':
      moveForces(ctx);
      break;
    case 'operations':
    case 'transition':
      sustain(ctx);
      break;
    default:
      break;
  }
}

/** How a Council member not played by a team votes, from its support for the draft. */
export function policyVote(support: number, permanent: boolean, rng: Rng): Vote {
  if (permanent) {
    if (support >= 0.6) return 'yes';
    if (support < 0.3) return 'no';
    return rng.next() < support ? 'yes' : 'abstain';
  }
  const r = rng.next();
  return r < support ? 'yes' : r < support + 0.3 ? 'abstain' : 'no';
}

function tallyVote(ctx: StepContext): void {
  const { s } = ctx;
  const unsc = ctx.scenario.unsc;
  if (!unsc) return;
  const chapter = s.public.mandate.chapter ?? unsc.chapter;
  const penalty = chapter === 'VII' ? unsc.chapterVIIPenalty : 0;
  const ballot: BallotEntry[] = unsc.members.map((m) => {
    const team = m.team === undefined ? undefined : s.teams[m.team];
    const support =
      (m.team !== undefined ? team?.support : s.control.unscSupport[m.id]) ?? m.support;
    const vote: Vote =
      team?.vote ??
      (team?.control === 'human' ? 'abstain' : policyVote(support - penalty, m.permanent, ctx.rng));
    return { member: m.id, permanent: m.permanent, vote };
  });
  const tally = tallyBallot(ballot);
  const adopted = resolutionAdopted(tally);
  const { mandate } = s.public;
  mandate.votes = appendTo(mandate.votes, {
    draft: mandate.votes.length + 1,
    chapter,
    ballot,
    adopted,
  });
  emit(ctx, 'vote', () => describeVote(chapter, ballot, adopted));
  for (const t of Object.values(s.teams)) t.vote = null;
  sendMandate(ctx, { type: 'VOTE_TALLIED', tally });
  if (adopted) setFactor(ctx, 'legitimacy', (s.public.factors['legitimacy'] ?? 0) + 0.1);
}

/** "Security Council vote on the Chapter VII draft: 10 yes, 1 no, 4 abstain — VETOED by russia." */
function describeVote(chapter: string, ballot: readonly BallotEntry[], adopted: boolean): string {
  const count = (vote: Vote): number => ballot.filter((b) => b.vote === vote).length;
  const yes = count('yes');
  const vetoes = ballot.filter((b) => b.permanent && b.vote === 'no').map((b) => b.member);
  const verdict = adopted
    ? 'ADOPTED (9 or more yes, no permanent member against)'
    : vetoes.length
      ? `VETOED by ${vetoes.join(', ')}`
      : `NOT ADOPTED (${yes} of the 9 votes needed)`;
  return `Security Council vote on the Chapter ${chapter} draft: ${yes} yes, ${count('no')} no, ${count('abstain')} abstain — ${verdict}.`;
}

function closePledgeRound(ctx: StepContext): void {
  const { s } = ctx;
  let gaps = 0;
  let criticalGaps = 0;
  for (const slot of ctx.scenario.forceGeneration.cjsor) {
    const gap = Math.max(0, slot.required - (s.public.cjsor[slot.id] ?? 0));
    gaps += gap;
    if (slot.critical && gap > 0) criticalGaps++;
  }
  const required = ctx.scenario.forceGeneration.cjsor.reduce((n, x) => n + x.required, 0);
  emit(
    ctx,
    'decision',
    () =>
      `Force sourcing round closes: ${required - gaps} of ${required} unit(s) pledged` +
      (criticalGaps ? `; ${criticalGaps} critical slot(s) still empty.` : '.'),
  );
  sendForceGeneration(ctx, { type: 'CLOSE_ROUND', gaps, criticalGaps });
}

/** RSOM receives what arrived earlier, then strategic lift moves the next units in the queue. */
function moveForces(ctx: StepContext): void {
  const { s } = ctx;
  const dep = ctx.scenario.deployment;
  let enablers = 0;
  // Only contingents in the lift queue are ever deployed (below), so the queue is enough.
  for (const id of s.public.lift.queue) {
    const c = s.force.contingents[id];
    if (c && (c.capability === 'logistics' || c.capability === 'engineers')) enablers += c.deployed;
  }
  let rsom = dep.rsomPerTurn + enablers;
  let lift = s.public.lift.capacity;
  let received = 0;
  let moved = 0;
  for (const id of s.public.lift.queue) {
    const c = s.force.contingents[id];
    if (!c) continue;
    const r = Math.min(rsom, c.arrived);
    c.arrived -= r;
    c.deployed += r;
    const units = s.teams[c.nation]?.units;
    if (units) units.deployed += r;
    rsom -= r;
    received += r;
  }
  for (const id of s.public.lift.queue) {
    const c = s.force.contingents[id];
    if (!c) continue;
    const m = Math.min(lift, c.atHome);
    c.atHome -= m;
    c.arrived += m;
    lift -= m;
    moved += m;
  }
  const u = s.public.units;
  u.atHome -= moved;
  u.arrived += moved - received;
  u.deployed += received;
  emit(
    ctx,
    'decision',
    () =>
      `Strategic lift moves ${moved} unit(s); RSOM receives ${received}. In theatre: ${u.deployed} of ${u.total}.`,
  );
  const progress = {
    type: 'RSOM_PROGRESS' as const,
    deployedFraction: u.total === 0 ? 1 : u.deployed / u.total,
    remaining: u.total - u.deployed,
  };
  if (inDeployment(s, 'lift')) sendDeployment(ctx, progress);
  if (inDeployment(s, 'ioc') && progress.remaining === 0) sendDeployment(ctx, progress);
}

/** Sustainment each turn in theatre, and the civilian-harm risk of robust ROE. */
function sustain(ctx: StepContext): void {
  const { s } = ctx;
  const tuning = ctx.scenario.actions.sustainment;
  const result = roll(ctx, { subject: 'sustainment', title: 'Sustainment of the force' }, tuning);
  if (result === 'failure') {
    const text = applyEffect(ctx, tuning.effect);
    if (text) emit(ctx, 'effect', () => `Supply shortfall: ${text}`);
  }
  if (s.public.roe === 'robust') {
    const risk = ctx.scenario.roe.robustCivilianHarmRisk;
    const r = ctx.rng.next();
    if (r < risk) {
      const text = applyEffect(ctx, { factors: { localTrust: -0.05, legitimacy: -0.03 } });
      emit(
        ctx,
        'effect',
        () =>
          `Civilian harm under robust ROE (risk ${Math.round(risk * 100)}%, roll ${r.toFixed(2)}): ${text}`,
      );
    }
  }
}

/** At the start of a turn: failure conditions, the success streak, handover timers. */
function openTurn(ctx: StepContext): void {
  const { s } = ctx;
  const ends = ctx.scenario.endConditions;
  const failure = ends.failure.find((c) => conditionHolds(s, c));
  if (failure) {
    sendExercise(ctx, { type: 'COLLAPSE' }, failure.reason);
    return;
  }
  const phase = phaseOf(s);
  if (phase === 'operations' && inDeployment(s, 'operations')) {
    s.public.successStreak = ends.success.all.every((c) => conditionHolds(s, c))
      ? s.public.successStreak + 1
      : 0;
    if (s.public.successStreak >= ends.success.forTurns) {
      emit(
        ctx,
        'decision',
        () =>
          `End state reached for ${s.public.successStreak} turn(s): transition to local authorities begins.`,
      );
      sendDeployment(ctx, { type: 'CONDITIONS_MET' });
    }
  } else if (inDeployment(s, 'transition')) {
    if (s.turn - s.public.phaseSince >= ctx.scenario.deployment.transitionTurns) {
      sendDeployment(ctx, { type: 'HANDOVER_COMPLETE' });
    }
  } else if (inDeployment(s, 'redeployment')) {
    if (s.turn - s.public.phaseSince >= ctx.scenario.deployment.redeploymentTurns) {
      sendDeployment(ctx, { type: 'REDEPLOYED' });
    }
  }
}
