/**
 * The built-in invariants of `ttx check` that look at one state or one run: a legal state
 * (factors in 0..1, resources never negative, every reference resolves), and the search that
 * tells a dead end from a run that merely ran out of time.
 */
import {
  canonicalJson,
  legalCommands,
  stepInPlace,
  type Command,
  type Issuer,
  type Scenario,
  type SessionState,
} from '../../engine/index.js';
import { lookup } from '../../engine/scenario/lookup.js';
import { allStages } from './stages.js';

const KNOWN_STAGES = new Set(allStages());
const inUnit = (x: number): boolean => Number.isFinite(x) && x >= 0 && x <= 1;
const nonNegative = (x: number): boolean => Number.isFinite(x) && x >= 0;

/** Everything illegal about `s`, in words (empty when the state is legal). */
export function stateProblems(s: SessionState): string[] {
  const out: string[] = [];
  const sc = s.scenario;
  const l = lookup(sc);
  for (const id in sc.factors) {
    const v = s.public.factors[id];
    if (v === undefined) out.push(`factor '${id}' is missing from the state`);
    else if (!inUnit(v)) out.push(`factor '${id}' is ${v}, outside 0..1`);
  }
  for (const id in s.public.factors) {
    if (!Object.hasOwn(sc.factors, id)) out.push(`the state holds an undeclared factor '${id}'`);
  }
  for (const id in s.public.resources) {
    const v = s.public.resources[id] ?? 0;
    if (!Object.hasOwn(sc.resources, id))
      out.push(`the state holds an undeclared resource '${id}'`);
    if (!nonNegative(v)) out.push(`resource '${id}' is ${v}, below 0`);
  }
  for (const t of sc.teams) {
    const team = s.teams[t.id];
    if (!team) {
      out.push(`team '${t.id}' is missing from the state`);
      continue;
    }
    if (!inUnit(team.support)) out.push(`support of '${t.id}' is ${team.support}, outside 0..1`);
    if (team.units.pledged < 0 || team.units.deployed < 0)
      out.push(`team '${t.id}' has a negative unit count`);
  }
  for (const id in s.teams) {
    if (!l.team.has(id)) out.push(`the state holds an undeclared team '${id}'`);
  }
  for (const id in s.control.unscSupport) {
    const v = s.control.unscSupport[id] ?? 0;
    if (!l.member.has(id)) out.push(`the state holds an unknown Council member '${id}'`);
    if (!inUnit(v)) out.push(`support of Council member '${id}' is ${v}, outside 0..1`);
  }
  let units = 0;
  for (const id in s.force.contingents) {
    const c = s.force.contingents[id]!;
    if (c.id !== id) out.push(`contingent '${id}' is filed under another id ('${c.id}')`);
    if (!l.team.has(c.nation)) out.push(`contingent '${id}' belongs to no team ('${c.nation}')`);
    if (!l.slot.has(c.slot)) out.push(`contingent '${id}' fills no CJSOR slot ('${c.slot}')`);
    if (![c.atHome, c.arrived, c.deployed].every(nonNegative) || c.units < 1)
      out.push(`contingent '${id}' has a negative or empty unit count`);
    else if (c.atHome + c.arrived + c.deployed !== c.units)
      out.push(
        `contingent '${id}' has ${c.atHome} + ${c.arrived} + ${c.deployed} units at home, arrived and deployed, not its ${c.units}`,
      );
    if (c.committedTo !== null && !Object.hasOwn(s.injects.active, c.committedTo))
      out.push(`contingent '${id}' is committed to '${c.committedTo}', which is not active`);
    units += c.units;
  }
  for (const id of s.public.lift.queue) {
    if (!Object.hasOwn(s.force.contingents, id))
      out.push(`the lift queue holds an unknown contingent '${id}'`);
  }
  const u = s.public.units;
  if (u.total > 0 && u.atHome + u.arrived + u.deployed !== u.total)
    out.push(
      `force totals do not add up: ${u.atHome} + ${u.arrived} + ${u.deployed} is not ${u.total}`,
    );
  if (u.total > units) out.push(`the force counts ${u.total} units but its contingents ${units}`);
  for (const slot in s.public.cjsor) {
    const n = s.public.cjsor[slot] ?? 0;
    if (!l.slot.has(slot)) out.push(`the CJSOR fill names an unknown slot '${slot}'`);
    if (!nonNegative(n)) out.push(`slot '${slot}' is filled with ${n} units`);
  }
  for (const id in s.injects.active) {
    const a = s.injects.active[id]!;
    if (!l.event.has(id)) out.push(`an unknown inject '${id}' is active`);
    for (const c of a.responders) {
      if (!Object.hasOwn(s.force.contingents, c))
        out.push(`inject '${id}' has an unknown responder '${c}'`);
    }
  }
  for (const id in s.injects.fired) {
    const n = s.injects.fired[id] ?? 0;
    const def = l.event.get(id);
    if (!def) out.push(`an unknown inject '${id}' has fired`);
    else if (n > def.trigger.repeat)
      out.push(`inject '${id}' fired ${n} times; it may fire at most ${def.trigger.repeat}`);
  }
  for (const id in s.control.overrides) {
    if (!Object.hasOwn(s.injects.active, id))
      out.push(`a white-cell override names '${id}', which is not active`);
  }
  for (const id in s.public.mandate.approvals) {
    if (l.team.get(id)?.kind !== 'nation')
      out.push(`an approval is recorded for '${id}', not a nation`);
  }
  if (!Number.isInteger(s.turn) || s.turn < 0 || s.turn > sc.clock.maxTurns)
    out.push(`turn ${s.turn} is outside 0..${sc.clock.maxTurns}`);
  if ((s.status === 'ended') !== (s.outcome !== null))
    out.push(`status '${s.status}' does not match the outcome (${s.outcome?.result ?? 'none'})`);
  if (!KNOWN_STAGES.has(s.stage)) out.push(`'${s.stage}' is not a stage of the machines`);
  return out;
}

/** True if two states are the same plain data (the scenario itself is not compared). */
export function sameState(a: SessionState, b: SessionState): boolean {
  const strip = (s: SessionState): unknown => ({ ...s, scenario: null });
  if (JSON.stringify(strip(a)) === JSON.stringify(strip(b))) return true;
  return canonicalJson(strip(a)) === canonicalJson(strip(b));
}

/** Extra turns the dead-end search grants, so that "out of time" is not taken for "stuck". */
export const EXTRA_TURNS = 50;

export interface DeadEnd {
  readonly stage: string;
  /** Turn the run entered the stage. */
  readonly since: number;
  /** Continuations tried from that state. */
  readonly tried: number;
}

/**
 * Whether the exercise can leave `state.stage` at all: from `state`, hand every team back to
 * its default policy, optionally issue one legal command (each in turn), and let the clock
 * run with `EXTRA_TURNS` more turns than the scenario has. If no continuation leaves the
 * stage, it is a dead end. `state` is not changed.
 */
export function findDeadEnd(state: SessionState, maxTries = 300): DeadEnd | null {
  const stuck = state.stage;
  const sc = state.scenario;
  const longer: Scenario = {
    ...sc,
    clock: { ...sc.clock, maxTurns: sc.clock.maxTurns + EXTRA_TURNS },
  };
  const base = JSON.parse(JSON.stringify({ ...state, scenario: null })) as SessionState;
  const fresh = (): SessionState =>
    ({ ...(structuredClone(base) as object), scenario: longer }) as SessionState;
  const toPolicy: Command[] = Object.entries(state.teams)
    .filter(([, t]) => t.control === 'human')
    .map(([team]) => ({ by: 'facilitator', type: 'setControl', team, mode: 'policy' }));
  if (state.paused) toPolicy.unshift({ by: 'facilitator', type: 'resume' });
  const escapes = (extra: Command | null): boolean => {
    const work = fresh();
    for (const c of extra ? [...toPolicy, extra] : toPolicy) {
      if (!stepInPlace(work, c).ok && c === extra) return false;
    }
    for (let i = 0; i <= longer.clock.maxTurns && work.status === 'running'; i++) {
      if (work.stage !== stuck) return true;
      if (!stepInPlace(work, { by: 'system', type: 'advance' }).ok) return false;
    }
    return work.stage !== stuck && !(work.status === 'ended' && work.turn >= longer.clock.maxTurns);
  };
  if (escapes(null)) return null;
  // One command of each kind first (most ways out are a kind: circulate, abandon …), then the
  // rest. A search cut short by `maxTries` finds no dead end: better silent than wrong.
  const issuers: Issuer[] = ['facilitator', ...sc.teams.map((t) => `team:${t.id}` as const)];
  const firsts: Command[] = [];
  const rest: Command[] = [];
  const kinds = new Set<string>();
  for (const by of issuers) {
    for (const body of legalCommands(state, by)) {
      if (body.type === 'pause' || body.type === 'setControl') continue;
      const kind = `${by} ${body.type}`;
      (kinds.has(kind) ? rest : firsts).push({ ...body, by });
      kinds.add(kind);
    }
  }
  const candidates = [...firsts, ...rest];
  for (const c of candidates.slice(0, maxTries)) if (escapes(c)) return null;
  if (candidates.length > maxTries) return null;
  return { stage: stuck, since: state.turn, tried: candidates.length + 1 };
}
