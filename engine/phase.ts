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
  const ex = stageFrom(machines.exercise, '');
  if (ex === 'running.mandate') return stageFrom(machines.mandate, 'mandate.');
  if (ex === 'running.forceGeneration') {
    return stageFrom(machines.forceGeneration, 'forceGeneration.');
  }
  if (ex === 'running.deployment') return stageFrom(machines.deployment, 'deployment.');
  return ex;
}

/**
 * `prefix` + the snapshot's state label, interned, remembered per snapshot: snapshots are
 * immutable and shared (machines/drive.ts), so a run finds most of its stages here.
 */
function stageFrom(snapshot: PersistedMachine, prefix: string): string {
  let stage = stages.get(snapshot);
  if (stage === undefined) {
    stage = interned(`${prefix}${stateLabel(snapshot.value)}`);
    stages.set(snapshot, stage);
  }
  return stage;
}
const stages = new WeakMap<PersistedMachine, string>();

/** One string object per stage, so that comparing stages (factsOf) compares references. */
function interned(stage: string): string {
  const known = stageStrings.get(stage);
  if (known !== undefined) return known;
  stageStrings.set(stage, stage);
  return stage;
}
const stageStrings = new Map<string, string>();

/**
 * What the rules ask about one stage, worked out once per stage (stages are few, and rules ask
 * "where are we?" about a thousand times a run): its phase, and the paths it is at or inside
 * in each phase machine, e.g. `unsc` and `unsc.voting` in the mandate for
 * "mandate.unsc.voting". Asking is then one set lookup with a constant string.
 */
interface StageFacts {
  readonly stage: string;
  readonly phase: Phase;
  readonly mandate: ReadonlySet<string>;
  readonly forceGeneration: ReadonlySet<string>;
  readonly deployment: ReadonlySet<string>;
}

const NOWHERE: ReadonlySet<string> = new Set();

function factsOfStage(stage: string): StageFacts {
  const [head = '', ...rest] = stage.split('.');
  const paths = new Set<string>();
  for (let i = 1; i <= rest.length; i++) paths.add(rest.slice(0, i).join('.'));
  return {
    stage,
    phase: phaseOfStage(head, rest[0] ?? ''),
    mandate: head === 'mandate' ? paths : NOWHERE,
    forceGeneration: head === 'forceGeneration' ? paths : NOWHERE,
    deployment: head === 'deployment' ? paths : NOWHERE,
  };
}

function phaseOfStage(head: string, sub: string): Phase {
  if (head === 'deployment') {
    if (sub === 'lift' || sub === 'ioc') return 'deployment';
    return sub === 'operations' ? 'operations' : 'transition';
  }
  return head as Phase;
}

const factsByStage = new Map<string, StageFacts>();
/** The last stage asked about: a run's stage seldom changes. */
let last: StageFacts = factsOfStage('setup');

function factsOf(s: SessionState): StageFacts {
  if (s.stage === last.stage) return last;
  let facts = factsByStage.get(s.stage);
  if (facts === undefined) {
    facts = factsOfStage(s.stage);
    factsByStage.set(s.stage, facts);
  }
  last = facts;
  return facts;
}

/** The phase named in scenario triggers and conditions. */
export const phaseOf = (s: SessionState): Phase => factsOf(s).phase;

/** A readable label of the exact stage, e.g. "mandate › unsc.voting". */
export function phaseLabel(s: SessionState): string {
  const dot = s.stage.indexOf('.');
  if (dot < 0 || s.stage.startsWith('ended')) return s.stage;
  const head =
    s.stage.slice(0, dot) === 'forceGeneration' ? 'force generation' : s.stage.slice(0, dot);
  return `${head} › ${s.stage.slice(dot + 1)}`;
}

/** True if the stage is the mandate's `sub` (dotted, e.g. "unsc.voting") or inside it. */
export const inMandate = (s: SessionState, sub: string): boolean => factsOf(s).mandate.has(sub);
export const inForceGeneration = (s: SessionState, sub: string): boolean =>
  factsOf(s).forceGeneration.has(sub);
export const inDeployment = (s: SessionState, sub: string): boolean =>
  factsOf(s).deployment.has(sub);

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
  const stage = stageOf(ctx.s.machines);
  if (stage === before) return;
  ctx.s.stage = stage;
  ctx.s.public.phaseSince = ctx.s.turn;
  emit(ctx, 'phase', () => `Phase: ${phaseLabel(ctx.s)}`);
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
  else if (changed) announce(ctx, before);
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
