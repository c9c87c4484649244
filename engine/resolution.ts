/**
 * The one resolution formula, and the explanation every resolution carries.
 *
 *   chance = clamp(base + Σ_f weight_f × (factor_f − 0.5) + Σ modifiers, floor, ceiling)
 *   success ⇔ roll < chance, roll uniform in [0, 1) from the session PRNG
 *
 * Factors are centred on 0.5, so a factor at 0.5 contributes nothing and `base` is the chance
 * in a neutral situation. The formula is linear and clamped, hence monotone: raising a factor
 * whose weight is positive never lowers the chance.
 */
import type { Rng } from './rng.js';

export interface Contribution {
  readonly factor: string;
  readonly value: number;
  readonly weight: number;
  readonly contribution: number;
}

export interface Modifier {
  readonly label: string;
  readonly value: number;
}

export interface Explanation {
  readonly base: number;
  readonly contributions: readonly Contribution[];
  readonly modifiers: readonly Modifier[];
  /** The chance before clamping to [floor, ceiling]. */
  readonly raw: number;
  readonly chance: number;
  /** Absent when a facilitator override decided the outcome without a roll. */
  readonly roll?: number;
  readonly outcome: 'success' | 'failure';
  readonly override?: { readonly by: 'facilitator'; readonly reason: string };
}

export interface ChanceInput {
  readonly base: number;
  readonly weights: Readonly<Record<string, number>>;
  readonly factors: Readonly<Record<string, number>>;
  readonly modifiers?: readonly Modifier[];
  readonly floor: number;
  readonly ceiling: number;
}

/** Rounds for display and storage; 1e-6 keeps every reported figure exact to the percent. */
export const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** Weight names in a fixed (sorted) order, computed once per weights object. */
const sortedKeys = new WeakMap<object, string[]>();
function factorsOf(weights: Readonly<Record<string, number>>): string[] {
  let keys = sortedKeys.get(weights);
  if (!keys) {
    keys = Object.keys(weights).sort();
    sortedKeys.set(weights, keys);
  }
  return keys;
}

export function computeChance(input: ChanceInput): Omit<Explanation, 'roll' | 'outcome'> {
  const contributions: Contribution[] = [];
  let raw = input.base;
  for (const factor of factorsOf(input.weights)) {
    const weight = input.weights[factor] ?? 0;
    const value = input.factors[factor] ?? 0.5;
    const contribution = weight * (value - 0.5);
    raw += contribution;
    contributions.push({ factor, value, weight, contribution: round6(contribution) });
  }
  const modifiers = input.modifiers ?? [];
  for (const m of modifiers) raw += m.value;
  const chance = Math.min(input.ceiling, Math.max(input.floor, raw));
  return {
    base: input.base,
    contributions,
    modifiers,
    raw: round6(raw),
    chance: round6(chance),
  };
}

/**
 * The clamped chance alone, summed in exactly the order computeChance sums it (so the two
 * agree to the last bit): for runs that want outcomes, not explanations.
 */
export function chanceOf(input: ChanceInput): number {
  let raw = input.base;
  for (const factor of factorsOf(input.weights)) {
    raw += (input.weights[factor] ?? 0) * ((input.factors[factor] ?? 0.5) - 0.5);
  }
  for (const m of input.modifiers ?? []) raw += m.value;
  return round6(Math.min(input.ceiling, Math.max(input.floor, raw)));
}

export type Outcome = 'success' | 'failure';

/** Computes the chance and rolls (or applies a facilitator's forced outcome). */
export function resolve(
  input: ChanceInput,
  rng: Rng,
  forced?: { outcome: 'success' | 'failure'; reason: string },
): Explanation {
  // Field by field, not `{ ...computed, roll }`: V8 gives each object built by spreading and
  // then adding keys a hidden class of its own, a costly one per resolution (issue 4's note).
  const { base, contributions, modifiers, raw, chance } = computeChance(input);
  if (forced) {
    return {
      base,
      contributions,
      modifiers,
      raw,
      chance,
      outcome: forced.outcome,
      override: { by: 'facilitator', reason: forced.reason },
    };
  }
  const roll = round6(rng.next());
  return {
    base,
    contributions,
    modifiers,
    raw,
    chance,
    roll,
    outcome: roll < chance ? 'success' : 'failure',
  };
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(Math.round(x * 100))}%`;

/** One line a player can read: "base 50%, legitimacy 0.30 −8%, … → 42%; roll 0.31 → success". */
export function explainText(e: Explanation): string {
  const parts = [`base ${pct(e.base)}`];
  for (const c of e.contributions) {
    if (c.weight !== 0) parts.push(`${c.factor} ${c.value.toFixed(2)} ${signed(c.contribution)}`);
  }
  for (const m of e.modifiers) parts.push(`${m.label} ${signed(m.value)}`);
  const clamped = e.raw !== e.chance ? ` (clamped from ${pct(e.raw)})` : '';
  const decided = e.override
    ? `facilitator ruled ${e.outcome} (${e.override.reason})`
    : `roll ${(e.roll ?? 0).toFixed(2)} → ${e.outcome}`;
  return `${parts.join(', ')} → ${pct(e.chance)}${clamped}; ${decided}`;
}
