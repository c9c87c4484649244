/** Id lookups over a scenario, built once per scenario object (scenarios are immutable). */
import type { Scenario, ScenarioEventDef, ScenarioTeam } from './schema.js';

export interface ScenarioLookup {
  readonly team: ReadonlyMap<string, ScenarioTeam>;
  /** Teams by issuer (`team:<id>`): rules ask on every check. */
  readonly issuer: ReadonlyMap<string, ScenarioTeam>;
  readonly event: ReadonlyMap<string, ScenarioEventDef>;
  readonly slot: ReadonlyMap<string, Scenario['forceGeneration']['cjsor'][number]>;
  readonly member: ReadonlyMap<string, NonNullable<Scenario['unsc']>['members'][number]>;
  /** Each CJSOR slot's place in the lift queue: critical slots first, then CJSOR order. */
  readonly liftRank: ReadonlyMap<string, number>;
  /** The id of the alliance team (the schema requires exactly one). */
  readonly alliance: string;
  /** Display names of teams and Council members. */
  readonly name: ReadonlyMap<string, string>;
}

const cache = new WeakMap<Scenario, ScenarioLookup>();

/** The last scenario asked about: a run asks a few hundred times, always about the same one. */
let last: { sc: Scenario; lookup: ScenarioLookup } | undefined;

export function lookup(sc: Scenario): ScenarioLookup {
  if (last?.sc === sc) return last.lookup;
  let l = cache.get(sc);
  if (!l) {
    const members = sc.unsc?.members ?? [];
    l = {
      team: new Map(sc.teams.map((t) => [t.id, t])),
      issuer: new Map(sc.teams.map((t) => [`team:${t.id}`, t])),
      event: new Map(sc.events.map((e) => [e.id, e])),
      slot: new Map(sc.forceGeneration.cjsor.map((x) => [x.id, x])),
      member: new Map(members.map((m) => [m.id, m])),
      liftRank: new Map(
        sc.forceGeneration.cjsor.map((slot, i) => [slot.id, (slot.critical ? 0 : 1000) + i]),
      ),
      alliance: sc.teams.find((t) => t.kind === 'alliance')?.id ?? '',
      name: new Map([
        ...members.map((m) => [m.id, m.name] as const),
        ...sc.teams.map((t) => [t.id, t.name] as const),
      ]),
    };
    cache.set(sc, l);
  }
  last = { sc, lookup: l };
  return l;
}
