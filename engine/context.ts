/**
 * What every rule sees while a step runs: the step's working copy of the state (see fork.ts),
 * the scenario, the PRNG, and the event list being written.
 */
import type { Audience, EngineEvent, EngineEventKind } from './events.js';
import { chanceOf, resolve, round6, type Modifier, type Outcome } from './resolution.js';
import type { Rng } from './rng.js';
import type { ActionTuningDef, EffectDef, Scenario } from './scenario/schema.js';
import { own, type SessionState } from './state.js';

export interface StepContext {
  readonly s: SessionState;
  readonly scenario: Scenario;
  readonly rng: Rng;
  readonly events: EngineEvent[];
  /** Report nothing: the caller wants the next state only (batches, benchmarks). */
  readonly quiet: boolean;
  /** Told every resolution's subject, chance and outcome, quiet or not (batches count them). */
  readonly onResolution?: ResolutionListener | undefined;
}

/** See StepContext.onResolution. */
export type ResolutionListener = (subject: string, chance: number, outcome: Outcome) => void;

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));
/** Factor values are stored to 4 decimals: readable, and exact to replay on any machine. */
const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/**
 * Reports an event. A text that has to be put together is passed as a function, so that quiet
 * steps (batches: thousands of runs, no one reads the narrative) never build it.
 */
export function emit(
  ctx: StepContext,
  kind: EngineEventKind,
  text: string | (() => string),
  audience: Audience = 'all',
  extra: Pick<EngineEvent, 'subject' | 'team' | 'explanation'> = {},
): void {
  if (ctx.quiet) return;
  const said = typeof text === 'string' ? text : text();
  ctx.events.push({ kind, turn: ctx.s.turn, audience, text: said, ...extra });
}

export function setFactor(ctx: StepContext, factor: string, value: number): void {
  ctx.s.public.factors[factor] = round4(clamp01(value));
}

export function adjustSupport(ctx: StepContext, id: string, delta: number): void {
  const team = own(ctx.s.teams, id);
  if (team) team.support = round4(clamp01(team.support + delta));
  else if (Object.hasOwn(ctx.s.control.unscSupport, id)) {
    ctx.s.control.unscSupport[id] = round4(clamp01((ctx.s.control.unscSupport[id] ?? 0) + delta));
  }
}

/** Applies an effect; resources never go below zero. Returns a short description. */
export function applyEffect(ctx: StepContext, effect: EffectDef | undefined): string {
  if (!effect) return '';
  const { factors, resources, support } = effect;
  if (factors)
    for (const f in factors) setFactor(ctx, f, (ctx.s.public.factors[f] ?? 0) + (factors[f] ?? 0));
  if (resources) {
    for (const r in resources) {
      ctx.s.public.resources[r] = round6(
        Math.max(0, (ctx.s.public.resources[r] ?? 0) + (resources[r] ?? 0)),
      );
    }
  }
  if (support) for (const id in support) adjustSupport(ctx, id, support[id] ?? 0);
  return ctx.quiet ? '' : describeEffect(effect);
}

/** "Message (security −0.1, budget +5)". */
function describeEffect(effect: EffectDef): string {
  const change = ([k, d]: [string, number]): string => `${k} ${d >= 0 ? '+' : '−'}${Math.abs(d)}`;
  const parts = [
    ...Object.entries(effect.factors ?? {}),
    ...Object.entries(effect.resources ?? {}),
  ].map(change);
  return [effect.message ?? '', parts.length ? `(${parts.join(', ')})` : '']
    .filter(Boolean)
    .join(' ');
}

/** True if the team can pay an action's cost. */
export function canAfford(s: SessionState, cost: Readonly<Record<string, number>>): boolean {
  for (const r in cost) if ((s.public.resources[r] ?? 0) < (cost[r] ?? 0)) return false;
  return true;
}

export function pay(ctx: StepContext, cost: Readonly<Record<string, number>>): void {
  for (const r in cost) {
    ctx.s.public.resources[r] = round6((ctx.s.public.resources[r] ?? 0) - (cost[r] ?? 0));
  }
}

/**
 * Resolves a built-in action or inject with the resolution formula and reports it with its
 * explanation (quiet steps skip the explanation; the outcome is the same to the bit).
 */
export function roll(
  ctx: StepContext,
  /** `title` as for emit: a function when it has to be put together. */
  what: { subject: string; title: string | (() => string); team?: string; audience?: Audience },
  tuning: Pick<ActionTuningDef, 'base' | 'weights'>,
  modifiers: readonly Modifier[] = [],
  forced?: { outcome: Outcome; reason: string },
): Outcome {
  const input = {
    base: tuning.base,
    weights: tuning.weights,
    factors: ctx.s.public.factors,
    modifiers,
    floor: ctx.scenario.resolution.floor,
    ceiling: ctx.scenario.resolution.ceiling,
  };
  if (ctx.quiet) {
    // The same draw as `resolve` (none when forced), without building the explanation.
    const chance = chanceOf(input);
    const outcome = forced
      ? forced.outcome
      : round6(ctx.rng.next()) < chance
        ? 'success'
        : 'failure';
    ctx.onResolution?.(what.subject, chance, outcome);
    return outcome;
  }
  const explanation = resolve(input, ctx.rng, forced);
  ctx.onResolution?.(what.subject, explanation.chance, explanation.outcome);
  // The explanation's text is rendered by describeEvent when someone reads it, not here.
  emit(ctx, 'resolution', what.title, what.audience ?? 'all', {
    subject: what.subject,
    explanation,
    ...(what.team === undefined ? {} : { team: what.team }),
  });
  return explanation.outcome;
}
