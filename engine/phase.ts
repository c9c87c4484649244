/**
 * Where the exercise is, and the typed doors into each machine. Sending to a phase machine
 * also carries its final state up to the exercise machine, so the phases compose.
 */
import { emit, type StepContext } from './context.js';
import { deploymentMachine, type DeploymentEvent } from './machines/deployment.js';
import {
  inState,
  sendTo,
  stateLabel,
  startMachine,
  type PersistedMachine,
} from './machines/drive.js';
import { exerciseMachine, type ExerciseEvent } from './machines/exercise.js';
import { forceGenerationMachine, type ForceGenerationEvent } from './machines/force-generation.js';
import { mandateMachine, type MandateContext, type MandateEvent } from './machines/mandate.js';
import type { PhaseNameT, Scenario } from './scenario/schema.js';
import type { Outcome, SessionState } from './state.js';

export type Phase = 'setup' | PhaseNameT | 'ended';

/**
 * The exact stage, e.g. "mandate.unsc.voting" or "deployment.operations", derived from the
 * machines whenever one of them moves and kept in the state: rules ask "where are we?" on
 * every check, and reading it must not walk the machine snapshots.
 */
export function stageOf(machines: SessionState['machines']): string {
  const ex = stateLabel(machines.exercise.value);
  if (ex === 'running.mandate') return `mandate.${stateLabel(machines.mandate.value)}`;
  if (ex === 'running.forceGeneration') {
    return `forceGeneration.${stateLabel(machines.forceGeneration.value)}`;
  }
  if (ex === 'running.deployment') return `deployment.${stateLabel(machines.deployment.value)}`;
  return ex;
}

/**
 * True if `stage` is `head.sub` or inside it. Rules ask this on every check, so it compares in
 * place rather than building strings.
 */
function within(stage: string, head: string, sub: string): boolean {
  const end = head.length + 1 + sub.length;
  return (
    stage.startsWith(head) &&
    stage.charCodeAt(head.length) === DOT &&
    stage.startsWith(sub, head.length + 1) &&
    (stage.length === end || stage.charCodeAt(end) === DOT)
  );
}
const DOT = 46;

const phases = new Map<string, Phase>();
/** The last answer: a run asks hundreds of times a turn, and its stage seldom changes. */
let last: { stage: string; phase: Phase } = { stage: '', phase: 'setup' };

/** The phase named in scenario triggers and conditions (memoised: stages are few). */
export function phaseOf(s: SessionState): Phase {
  if (s.stage === last.stage) return last.phase;
  let phase = phases.get(s.stage);
  if (phase === undefined) {
    phase = phaseOfStage(s.stage);
    phases.set(s.stage, phase);
  }
  last = { stage: s.stage, phase };
  return phase;
}

function phaseOfStage(stage: string): Phase {
  const [head = '', sub = ''] = stage.split('.');
  if (head === 'deployment') {
    if (sub === 'lift' || sub === 'ioc') return 'deployment';
    return sub === 'operations' ? 'operations' : 'transition';
  }
  return head as Phase;
}

/** A readable label of the exact stage, e.g. "mandate › unsc.voting". */
export function phaseLabel(s: SessionState): string {
  const dot = s.stage.indexOf('.');
  if (dot < 0 || s.stage.startsWith('ended')) return s.stage;
  const head =
    s.stage.slice(0, dot) === 'forceGeneration' ? 'force generation' : s.stage.slice(0, dot);
  return `${head} › ${s.stage.slice(dot + 1)}`;
}

export const inMandate = (s: SessionState, sub: string): boolean => within(s.stage, 'mandate', sub);
export const inForceGeneration = (s: SessionState, sub: string): boolean =>
  within(s.stage, 'forceGeneration', sub);
export const inDeployment = (s: SessionState, sub: string): boolean =>
  within(s.stage, 'deployment', sub);

const initial = new WeakMap<Scenario, SessionState['machines']>();

/** The machines' initial snapshots, computed once per scenario (they are pure data). */
export function initialMachines(sc: Scenario): SessionState['machines'] {
  let machines = initial.get(sc);
  if (!machines) {
    machines = firstSnapshots(sc);
    initial.set(sc, machines);
  }
  return machines;
}

function firstSnapshots(sc: Scenario): SessionState['machines'] {
  return {
    exercise: startMachine(exerciseMachine, undefined),
    mandate: startMachine(mandateMachine, {
      hasUn: sc.unsc !== undefined,
      maxDrafts: sc.unsc?.maxDrafts ?? 1,
      allowWithoutMandate: sc.unsc?.withoutMandate.allowed ?? false,
      maxCirculations: sc.nac.maxCirculations,
    }),
    forceGeneration: startMachine(forceGenerationMachine, {
      maxRounds: sc.forceGeneration.maxRounds,
    }),
    deployment: startMachine(deploymentMachine, { iocFraction: sc.deployment.iocFraction }),
  };
}

function announce(ctx: StepContext, before: string): void {
  ctx.s.stage = stageOf(ctx.s.machines);
  if (ctx.s.stage !== before) {
    ctx.s.public.phaseSince = ctx.s.turn;
    emit(ctx, 'phase', () => `Phase: ${phaseLabel(ctx.s)}`);
  }
}

export function sendExercise(ctx: StepContext, event: ExerciseEvent, reason?: string): void {
  const before = ctx.s.stage;
  ctx.s.machines.exercise = sendTo(exerciseMachine, ctx.s.machines.exercise, event);
  const ex = ctx.s.machines.exercise;
  if (inState(ex, 'ended') && ctx.s.status !== 'ended') {
    ctx.s.stage = stageOf(ctx.s.machines);
    const result = stateLabel(ex.value).split('.')[1] as Outcome['result'];
    ctx.s.status = 'ended';
    const outcome = { result, reason: reason ?? result, turn: ctx.s.turn };
    ctx.s.outcome = outcome;
    emit(ctx, 'ended', () => `Exercise ended: ${result.toUpperCase()} — ${outcome.reason}`);
    return;
  }
  if (event.type === 'MANDATE_DONE' && event.ok) {
    ctx.s.machines.forceGeneration = sendTo(
      forceGenerationMachine,
      ctx.s.machines.forceGeneration,
      { type: 'ACTIVATE' },
    );
  }
  announce(ctx, before);
}

function sendPhase(
  ctx: StepContext,
  key: 'mandate' | 'forceGeneration' | 'deployment',
  next: PersistedMachine,
  onDone: () => void,
): boolean {
  const before = ctx.s.stage;
  const changed = next !== ctx.s.machines[key];
  ctx.s.machines[key] = next;
  if (next.status === 'done') onDone();
  else announce(ctx, before);
  return changed;
}

export function sendMandate(ctx: StepContext, event: MandateEvent): boolean {
  const next = sendTo(mandateMachine, ctx.s.machines.mandate, event);
  return sendPhase(ctx, 'mandate', next, () => {
    const ok = inState(next, 'approved');
    sendExercise(ctx, { type: 'MANDATE_DONE', ok }, ok ? undefined : mandateFailureReason(ctx.s));
  });
}

function mandateFailureReason(s: SessionState): string {
  const approvals = Object.values(s.public.mandate.approvals);
  if (approvals.length > 0 && approvals.every((a) => a === 'refused')) {
    return 'no nation obtained national approval to deploy';
  }
  if ((s.machines.mandate.context as MandateContext).circulations > 0) {
    return 'the North Atlantic Council could not reach consensus';
  }
  return 'the Security Council adopted no mandate and the alliance would not act without one';
}

export function sendForceGeneration(ctx: StepContext, event: ForceGenerationEvent): boolean {
  const next = sendTo(forceGenerationMachine, ctx.s.machines.forceGeneration, event);
  return sendPhase(ctx, 'forceGeneration', next, () => {
    const ok = inState(next, 'done');
    sendExercise(
      ctx,
      { type: 'FORCES_DONE', ok },
      ok ? undefined : 'force generation failed: critical capabilities were never pledged',
    );
  });
}

export function sendDeployment(ctx: StepContext, event: DeploymentEvent): boolean {
  const next = sendTo(deploymentMachine, ctx.s.machines.deployment, event);
  return sendPhase(ctx, 'deployment', next, () =>
    sendExercise(
      ctx,
      { type: 'DEPLOYMENT_DONE' },
      'mission accomplished, handed over and redeployed',
    ),
  );
}
