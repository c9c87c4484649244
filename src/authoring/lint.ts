/**
 * Static lint of a valid scenario, beyond what the schema checks: references that lead
 * nowhere (unused factors, teams that play no part, capabilities nobody offers or asks for),
 * events that can never trigger (statically unsatisfiable conditions), chances that are
 * always 0 or 1, CJSOR slots no nation can fill, forces that can never be lifted, duplicate
 * ids in lists. Errors make a scenario unusable as written; warnings are likely mistakes.
 */
import {
  CORE_FACTORS,
  type ConditionDef,
  type PropertyConditionDef,
  type ResolutionDef,
  type Scenario,
} from '../../engine/index.js';
import { formatPath, type ScenarioIssue } from '../scenario/load.js';
import { describeConditions } from './conditions.js';

type Path = (string | number)[];
type Position = (
  path: readonly (string | number)[],
  key?: boolean,
) => { line: number; col: number };

interface Finding {
  readonly path: Path;
  readonly message: string;
  readonly severity: 'error' | 'warning';
  /** Point at the key (e.g. an unused factor's name) rather than its value. */
  readonly key?: boolean;
}

/** Lints `sc` (already valid); `position` maps a document path to its place in `file`. */
export function lintScenario(sc: Scenario, file: string, position: Position): ScenarioIssue[] {
  return findings(sc)
    .map((f) => {
      const { line, col } = position(f.path, f.key);
      return {
        file,
        line,
        col,
        path: formatPath(f.path),
        message: f.message,
        severity: f.severity,
      };
    })
    .sort((a, b) => a.line - b.line || a.col - b.col);
}

/** The findings, with document paths (exported for tests). */
export function findings(sc: Scenario): Finding[] {
  const out: Finding[] = [];
  const error = (path: Path, message: string, key = false): void => {
    out.push({ path, message, severity: 'error', key });
  };
  const warn = (path: Path, message: string, key = false): void => {
    out.push({ path, message, severity: 'warning', key });
  };
  const nations = sc.teams.filter((t) => t.kind === 'nation');

  // Duplicates in lists (duplicate ids of teams, events, slots, members are schema errors).
  const dupes = (list: readonly string[], path: Path, what: string): void => {
    const seen = new Set<string>();
    list.forEach((x, i) => {
      if (seen.has(x)) warn([...path, i], `${what} '${x}' is listed twice`);
      seen.add(x);
    });
  };
  dupes(sc.unsc?.penholders ?? [], ['unsc', 'penholders'], 'penholder');
  sc.teams.forEach((t, i) => dupes(t.caveats, ['teams', i, 'caveats'], 'caveat'));
  sc.events.forEach((e, i) => {
    if (Array.isArray(e.visibility)) dupes(e.visibility, ['events', i, 'visibility'], 'team');
    if (e.response)
      dupes(e.response.forbiddenBy, ['events', i, 'response', 'forbiddenBy'], 'caveat');
  });
  const teamIds = new Set(sc.teams.map((t) => t.id));
  for (const id of Object.keys(sc.factors)) {
    if (Object.hasOwn(sc.resources, id))
      warn(['resources', id], `'${id}' is both a factor and a resource`, true);
  }
  sc.events.forEach((e, i) => {
    if (teamIds.has(e.id)) warn(['events', i, 'id'], `event id '${e.id}' is also a team id`);
  });

  // Teams and who may do what.
  sc.unsc?.penholders.forEach((p, i) => {
    const kind = sc.teams.find((t) => t.id === p)?.kind;
    if (kind !== undefined && !['nation', 'alliance', 'un'].includes(kind))
      error(
        ['unsc', 'penholders', i],
        `penholder '${p}' is a ${kind} team: it can never table a draft`,
      );
  });
  const seated = new Set(sc.unsc?.members.flatMap((m) => (m.team === undefined ? [] : [m.team])));
  const penholders = new Set(sc.unsc?.penholders ?? []);
  sc.teams.forEach((t, i) => {
    if (t.kind !== 'nation') return;
    const offers = Object.keys(t.offers).length > 0;
    if (!offers && !t.nato && !seated.has(t.id) && !penholders.has(t.id))
      warn(
        ['teams', i, 'id'],
        `nation '${t.id}' plays no part: it offers no forces, is not in the NAC and holds no Council seat`,
      );
    if (offers && t.troopCeiling === 0)
      warn(
        ['teams', i, 'troopCeiling'],
        `nation '${t.id}' offers forces but its troop ceiling is 0`,
      );
    if (t.policy.nac !== undefined && !t.nato)
      warn(
        ['teams', i, 'policy', 'nac'],
        `nation '${t.id}' has a NAC stance but is not a NAC member`,
      );
  });

  // Factors nobody reads or moves (the six core factors are used by the built-in actions).
  const used = usedFactors(sc);
  for (const id of Object.keys(sc.factors)) {
    if (!(CORE_FACTORS as readonly string[]).includes(id) && !used.has(id))
      warn(
        ['factors', id],
        `factor '${id}' is never used (no weight, condition or effect names it)`,
        true,
      );
  }

  // Capabilities: offered but never asked for, asked for but never offered.
  const asked = new Set(sc.forceGeneration.cjsor.map((s) => s.capability));
  const offered = new Map<string, number>();
  for (const t of nations) {
    for (const [cap, n] of Object.entries(t.offers)) {
      offered.set(cap, (offered.get(cap) ?? 0) + Math.min(n ?? 0, t.troopCeiling ?? Infinity));
    }
  }
  sc.teams.forEach((t, i) => {
    for (const cap of Object.keys(t.offers)) {
      if (!asked.has(cap as never))
        warn(
          ['teams', i, 'offers', cap],
          `'${t.id}' offers ${cap}, which no CJSOR slot asks for`,
          true,
        );
    }
  });
  sc.forceGeneration.cjsor.forEach((slot, i) => {
    const path = ['forceGeneration', 'cjsor', i];
    const can = offered.get(slot.capability) ?? 0;
    const same = sc.forceGeneration.cjsor
      .filter((s) => s.capability === slot.capability)
      .reduce((n, s) => n + s.required, 0);
    if (can === 0) {
      const text = `no nation offers ${slot.capability}: slot '${slot.id}' can never be filled`;
      if (slot.critical) error(path, `${text}, and as it is critical the force can never launch`);
      else warn(path, text);
    } else if (can < same) {
      const text = `nations offer at most ${can} unit(s) of ${slot.capability}, the CJSOR asks for ${same}: slot '${slot.id}' may never be full`;
      if (slot.critical) error(path, `${text}, and a critical slot with a gap blocks the launch`);
      else warn(path, text);
    }
  });
  sc.events.forEach((e, i) => {
    const cap = e.response?.capability;
    if (cap === undefined) return;
    if (!offered.has(cap) || !asked.has(cap))
      warn(
        ['events', i, 'response', 'capability'],
        `no contingent of ${cap} can exist (${offered.has(cap) ? 'no CJSOR slot asks for it' : 'no nation offers it'}): nobody can ever respond to '${e.id}'`,
      );
  });
  const lift =
    sc.deployment.liftPerTurn +
    (asked.has('strategicAirlift') && offered.has('strategicAirlift')
      ? sc.deployment.liftPerAirliftUnit
      : 0);
  if (lift === 0)
    error(
      ['deployment', 'liftPerTurn'],
      'strategic lift is 0 and no strategic airlift can be pledged: forces can never deploy (a dead end)',
    );

  // Events that can never trigger.
  const never = new Set<string>();
  for (let changed = true; changed;) {
    changed = false;
    sc.events.forEach((e) => {
      if (never.has(e.id) || e.trigger.hipPocket) return;
      if (whyNever(sc, e.trigger, never) !== null) {
        never.add(e.id);
        changed = true;
      }
    });
  }
  sc.events.forEach((e, i) => {
    const t = e.trigger;
    const path = ['events', i, 'trigger'];
    if (t.hipPocket) {
      const ignored = (['turn', 'phase', 'when', 'chance'] as const).filter(
        (k) => t[k] !== undefined,
      );
      if (ignored.length)
        warn(
          path,
          `a hip-pocket inject fires only when the white cell fires it; ${ignored.join(', ')} ${ignored.length > 1 ? 'are' : 'is'} ignored`,
        );
      return;
    }
    const why = whyNever(sc, t, never);
    if (why !== null) error(path, `event '${e.id}' can never trigger: ${why}`);
    else if (t.chance === 1)
      warn([...path, 'chance'], 'chance 1 is certain: the same as no chance');
  });

  // Resolutions whose chance is always 0 or 1.
  const pct = (x: number): string => `${Math.round(x * 100)}%`;
  const flat = (path: Path, r: ResolutionDef, what: string): void => {
    const [lo, hi] = chanceRange(r);
    if (hi <= 0)
      warn(
        path,
        `${what}: base and weights give a chance of 0% whatever the factors (only the floor, ${pct(sc.resolution.floor)}, is left)`,
      );
    else if (lo >= 1)
      warn(
        path,
        `${what}: base and weights give a chance of 100% whatever the factors (only the ceiling, ${pct(sc.resolution.ceiling)}, caps it)`,
      );
  };
  sc.events.forEach((e, i) => {
    if (e.resolution) flat(['events', i, 'resolution'], e.resolution, `'${e.id}'`);
  });
  for (const [name, tuning] of Object.entries(sc.actions))
    flat(['actions', name], tuning, `the ${name} roll`);
  if (sc.resolution.floor >= sc.resolution.ceiling)
    warn(
      ['resolution'],
      `floor ${sc.resolution.floor} ≥ ceiling ${sc.resolution.ceiling}: every chance is the same`,
    );

  // End conditions and properties that can never hold.
  const success = sc.endConditions.success.all;
  const sWhy = conjunctionNever(sc, success, never);
  if (sWhy !== null)
    error(['endConditions', 'success', 'all'], `the mission can never succeed: ${sWhy}`);
  sc.endConditions.failure.forEach((c, i) => {
    const why = conjunctionNever(sc, [c], never);
    if (why !== null)
      warn(['endConditions', 'failure', i], `this failure condition can never hold: ${why}`);
  });
  sc.properties?.forEach((p, i) => {
    const conds: [string, readonly PropertyConditionDef[]][] = [
      ['reachable', p.reachable ?? []],
      ['statistic', p.statistic?.ending ?? []],
    ];
    for (const [key, list] of conds) {
      const why = list.length ? conjunctionNever(sc, list, never) : null;
      if (why !== null)
        warn(
          ['properties', i, key],
          `'${p.id}' claims ${describeConditions(list)}, which can never hold: ${why}`,
        );
    }
  });
  return out;
}

/** Factors named anywhere: weights, conditions, effects, properties. */
function usedFactors(sc: Scenario): Set<string> {
  const used = new Set<string>();
  const cond = (c: ConditionDef | PropertyConditionDef): void => {
    if (c.factor !== undefined) used.add(c.factor);
  };
  const effect = (e: { factors?: Record<string, number> | undefined } | undefined): void => {
    for (const f of Object.keys(e?.factors ?? {})) used.add(f);
  };
  for (const t of Object.values(sc.actions)) {
    Object.keys(t.weights).forEach((f) => used.add(f));
    effect(t.effect);
  }
  for (const e of sc.events) {
    Object.keys(e.resolution?.weights ?? {}).forEach((f) => used.add(f));
    e.trigger.when?.forEach(cond);
    effect(e.effects.always);
    effect(e.effects.success);
    effect(e.effects.failure);
  }
  sc.endConditions.success.all.forEach(cond);
  sc.endConditions.failure.forEach(cond);
  for (const p of sc.properties ?? []) {
    [
      ...(p.invariant?.always ?? []),
      ...(p.invariant?.while ?? []),
      ...(p.reachable ?? []),
      ...(p.statistic?.ending ?? []),
    ].forEach(cond);
  }
  return used;
}

/** Why a trigger can never fire, or null. `never`: events already known never to fire. */
function whyNever(
  sc: Scenario,
  t: Scenario['events'][number]['trigger'],
  never: ReadonlySet<string>,
): string | null {
  if (t.chance === 0) return 'its chance is 0';
  if (t.turn !== undefined && t.turn > sc.clock.maxTurns)
    return `turn ${t.turn} is after the last turn (${sc.clock.maxTurns})`;
  const conds: ConditionDef[] = [...(t.when ?? [])];
  if (t.turn !== undefined) conds.push({ turn: { atLeast: t.turn, below: t.turn + 1 } });
  if (t.phase !== undefined) conds.push({ phase: t.phase });
  return conjunctionNever(sc, conds, never);
}

/** Why a list of conditions can never hold together, or null (a sound, incomplete test). */
export function conjunctionNever(
  sc: Scenario,
  conds: readonly (ConditionDef | PropertyConditionDef)[],
  never: ReadonlySet<string> = new Set(),
): string | null {
  const ranges = new Map<string, { lo: number; hi: number; loText: string; hiText: string }>();
  const narrow = (
    key: string,
    atLeast: number | undefined,
    below: number | undefined,
    min: number,
    max: number,
  ): void => {
    const r = ranges.get(key) ?? { lo: min, hi: max, loText: '', hiText: '' };
    if (atLeast !== undefined && atLeast > r.lo) {
      r.lo = atLeast;
      r.loText = `≥ ${atLeast}`;
    }
    if (below !== undefined && below < r.hi) {
      r.hi = below;
      r.hiText = `< ${below}`;
    }
    ranges.set(key, r);
  };
  const phases = new Set<string>();
  const outcomes = new Set<string>();
  const fired = new Set<string>();
  const notFired = new Set<string>();
  for (const c of conds) {
    if (c.factor !== undefined) narrow(c.factor, c.atLeast, c.below, 0, 1.0000001);
    if (c.resource !== undefined) narrow(`resource ${c.resource}`, c.atLeast, c.below, 0, Infinity);
    if (c.turn) narrow('turn', c.turn.atLeast, c.turn.below, 1, sc.clock.maxTurns + 1);
    if (c.phase !== undefined) phases.add(c.phase);
    if ('outcome' in c && c.outcome !== undefined) outcomes.add(c.outcome);
    if (c.fired !== undefined) fired.add(c.fired);
    if (c.notFired !== undefined) notFired.add(c.notFired);
  }
  for (const [key, r] of ranges) {
    if (r.lo >= r.hi) {
      const limits = [r.loText, r.hiText].filter(Boolean).join(' and ');
      const bounds =
        key === 'turn'
          ? `turns 1..${sc.clock.maxTurns}`
          : key.startsWith('resource')
            ? 'resources ≥ 0'
            : 'factors 0..1';
      return `${key} ${limits} is impossible (${bounds})`;
    }
  }
  if (phases.size > 1) return `it needs two phases at once (${[...phases].join(', ')})`;
  if (outcomes.size > 1) return `it needs two outcomes at once (${[...outcomes].join(', ')})`;
  if (phases.size > 0 && outcomes.size > 0) return 'it needs a phase and an outcome at once';
  for (const id of fired) {
    if (notFired.has(id)) return `'${id}' must have fired and not fired`;
    if (never.has(id)) return `it waits for '${id}', which can never fire`;
  }
  return null;
}

/** The range of a resolution's raw chance over all factor values (before floor and ceiling, modifiers left out). */
export function chanceRange(r: ResolutionDef): [number, number] {
  let lo = r.base;
  let hi = r.base;
  for (const w of Object.values(r.weights)) {
    lo += Math.min(-0.5 * w, 0.5 * w);
    hi += Math.max(-0.5 * w, 0.5 * w);
  }
  return [lo, hi];
}
