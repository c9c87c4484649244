/**
 * Injects (scenario events): scheduled by turn or phase, conditional on state, and
 * hip-pocket ones the facilitator fires. An inject with a resolution stays active for the
 * turn, so teams can commit contingents, and is resolved when the turn ends.
 */
import { applyEffect, emit, roll, type StepContext } from './context.js';
import type { Audience } from './events.js';
import { phaseOf, type Phase } from './phase.js';
import type { Modifier } from './resolution.js';
import type { ConditionDef, Scenario, ScenarioEventDef } from './scenario/schema.js';
import type { SessionState } from './state.js';
import { lookup } from './scenario/lookup.js';

/** Kinds of inject where ROE and a Chapter VII mandate change the chance of success. */
const FORCE_KINDS = new Set(['insurgentAttack', 'spoiler', 'piracy']);

export function audienceOf(def: ScenarioEventDef): Audience {
  if (def.visibility === 'public') return 'all';
  if (def.visibility === 'control') return 'control';
  return def.visibility;
}

/** The factor or resource value a condition tests, if it tests one. */
export function conditionValue(s: SessionState, c: ConditionDef): number | undefined {
  if (c.factor !== undefined) return s.public.factors[c.factor];
  return c.resource !== undefined ? s.public.resources[c.resource] : undefined;
}

export function conditionHolds(s: SessionState, c: ConditionDef): boolean {
  const value = conditionValue(s, c);
  if (value !== undefined) {
    if (c.atLeast !== undefined && value < c.atLeast) return false;
    if (c.below !== undefined && value >= c.below) return false;
  }
  if (c.turn?.atLeast !== undefined && s.turn < c.turn.atLeast) return false;
  if (c.turn?.below !== undefined && s.turn >= c.turn.below) return false;
  if (c.phase !== undefined && phaseOf(s) !== c.phase) return false;
  if (c.fired !== undefined && !s.injects.fired[c.fired]) return false;
  if (c.notFired !== undefined && s.injects.fired[c.notFired]) return false;
  return true;
}

function allHold(s: SessionState, conditions: readonly ConditionDef[]): boolean {
  for (const c of conditions) if (!conditionHolds(s, c)) return false;
  return true;
}

export function fireInject(
  ctx: StepContext,
  def: ScenarioEventDef,
  by: 'scenario' | 'facilitator',
): void {
  const { s } = ctx;
  s.injects.fired[def.id] = (s.injects.fired[def.id] ?? 0) + 1;
  const audience = audienceOf(def);
  const how = by === 'facilitator' ? ' (fired by the white cell)' : '';
  emit(ctx, 'inject', () => `INJECT ${def.title}${how}: ${def.description}`.trim(), audience, {
    subject: def.id,
  });
  const always = applyEffect(ctx, def.effects.always);
  if (always) emit(ctx, 'effect', () => `${def.title}: ${always}`, audience, { subject: def.id });
  if (def.resolution) s.injects.active[def.id] = { id: def.id, firedTurn: s.turn, responders: [] };
}

const triggerable = new WeakMap<Scenario, Map<Phase, readonly ScenarioEventDef[]>>();

/**
 * The injects a trigger may fire in `phase`, in scenario order (the order of their rolls):
 * hip-pocket ones never, phase-bound ones in their phase only. Worked out once per phase.
 */
function triggerableIn(sc: Scenario, phase: Phase): readonly ScenarioEventDef[] {
  let byPhase = triggerable.get(sc);
  if (!byPhase) {
    byPhase = new Map<Phase, readonly ScenarioEventDef[]>();
    triggerable.set(sc, byPhase);
  }
  let defs = byPhase.get(phase);
  if (!defs) {
    defs = sc.events.filter(
      (d) => !d.trigger.hipPocket && (d.trigger.phase === undefined || d.trigger.phase === phase),
    );
    byPhase.set(phase, defs);
  }
  return defs;
}

/** At the start of a turn: every non-hip-pocket inject whose trigger holds may fire. */
export function triggerInjects(ctx: StepContext): void {
  const { s } = ctx;
  for (const def of triggerableIn(ctx.scenario, phaseOf(s))) {
    const t = def.trigger;
    if (t.turn !== undefined && s.turn !== t.turn) continue;
    const fired = s.injects.fired[def.id] ?? 0;
    if (fired >= t.repeat) continue;
    // Only a fired inject can be active: most never fire, and skip the second lookup.
    if (fired > 0 && s.injects.active[def.id] !== undefined) continue;
    if (t.when && !allHold(s, t.when)) continue;
    if (t.chance !== undefined && ctx.rng.next() >= t.chance) continue;
    fireInject(ctx, def, 'scenario');
  }
}

function gapIn(ctx: StepContext, capability: string): boolean {
  return ctx.scenario.forceGeneration.cjsor.some(
    (slot) => slot.capability === capability && (ctx.s.public.cjsor[slot.id] ?? 0) < slot.required,
  );
}

export function injectModifiers(
  ctx: StepContext,
  def: ScenarioEventDef,
  responders: number,
): Modifier[] {
  const mods: Modifier[] = [];
  const { s } = ctx;
  if (def.response && responders === 0) {
    mods.push({ label: 'no contingent responded', value: -def.response.unansweredPenalty });
  }
  if (def.response?.capability && gapIn(ctx, def.response.capability)) {
    mods.push({
      label: `CJSOR gap in ${def.response.capability}`,
      value: -ctx.scenario.forceGeneration.gapPenalty,
    });
  }
  if (FORCE_KINDS.has(def.kind)) {
    if (s.public.roe === 'robust') {
      mods.push({ label: 'robust ROE', value: ctx.scenario.roe.robustSecurityBonus });
    } else if (s.public.roe === 'restrictive') {
      mods.push({ label: 'restrictive ROE', value: -ctx.scenario.roe.restrictiveSecurityPenalty });
    }
    if (s.public.mandate.chapter === 'VII')
      mods.push({ label: 'Chapter VII mandate', value: 0.05 });
  }
  return mods;
}

/** The active injects' ids in a fixed order (most turns have none, or one). */
export function activeIds(s: SessionState): string[] {
  const ids = Object.keys(s.injects.active);
  return ids.length > 1 ? ids.sort() : ids;
}

/** At the end of a turn: every active inject is resolved (or decided by an override). */
export function resolveActiveInjects(ctx: StepContext): void {
  const { s } = ctx;
  const ids = activeIds(s);
  if (ids.length === 0) return;
  for (const id of ids) {
    const active = s.injects.active[id];
    const def = lookup(ctx.scenario).event.get(id);
    if (!active || !def?.resolution) continue;
    const forced = s.control.overrides[id];
    const outcome = roll(
      ctx,
      { subject: id, title: def.title, audience: audienceOf(def) },
      def.resolution,
      injectModifiers(ctx, def, active.responders.length),
      forced,
    );
    const text = applyEffect(
      ctx,
      outcome === 'success' ? def.effects.success : def.effects.failure,
    );
    if (text) emit(ctx, 'effect', () => `${def.title}: ${text}`, audienceOf(def), { subject: id });
    for (const c of active.responders) {
      const contingent = s.force.contingents[c];
      if (contingent) contingent.committedTo = null;
    }
    if (Object.hasOwn(s.control.overrides, id)) delete s.control.overrides[id];
  }
  // Every active inject has a resolution, so none is left: a fresh object rather than a delete
  // per inject, which would turn the record into a slow dictionary for the rest of the run.
  s.injects.active = {};
}
