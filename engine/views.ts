/**
 * Per-role views: exactly what a role may see. The white cell sees everything; a team sees
 * the public picture, its own confidential partition, the injects addressed to it and (the
 * alliance) the whole force; observers see the public picture only.
 */
import { audienceIncludes, type EngineEvent } from './events.js';
import { audienceOf } from './injects.js';
import { phaseLabel, phaseOf, type Phase } from './phase.js';
import type { Scenario } from './scenario/schema.js';
import { lookup } from './scenario/lookup.js';
import type {
  ActiveInject,
  Contingent,
  Outcome,
  PublicState,
  Role,
  SessionState,
  TeamState,
} from './state.js';

/** The scenario as players see it: no hidden injects, no confidential positions or briefs. */
export interface ScenarioBrief {
  readonly id: string;
  readonly title: string;
  readonly period?: string;
  readonly briefing: string;
  readonly clock: Scenario['clock'];
  readonly factors: Readonly<Record<string, { label: string; description?: string }>>;
  readonly teams: readonly { id: string; name: string; kind: string; nato: boolean }[];
  readonly cjsor: Scenario['forceGeneration']['cjsor'];
  readonly unscMembers: readonly { id: string; name: string; permanent: boolean; team?: string }[];
}

export interface View {
  readonly role: Role;
  readonly scenario: ScenarioBrief;
  readonly turn: number;
  readonly status: SessionState['status'];
  readonly paused: boolean;
  readonly phase: Phase;
  readonly phaseLabel: string;
  readonly outcome: Outcome | null;
  readonly public: PublicState;
  readonly injects: readonly (ActiveInject & { title: string; description: string })[];
  readonly team?: TeamState & { id: string; briefing?: string };
  readonly force?: readonly Contingent[];
  /** White cell only: the whole state, including the PRNG and hidden positions. */
  readonly full?: SessionState;
}

const briefs = new WeakMap<Scenario, ScenarioBrief>();

function briefOf(sc: Scenario): ScenarioBrief {
  let brief = briefs.get(sc);
  if (!brief) {
    const factors: Record<string, { label: string; description?: string }> = {};
    for (const [id, f] of Object.entries(sc.factors)) {
      factors[id] =
        f.description === undefined
          ? { label: f.label }
          : { label: f.label, description: f.description };
    }
    brief = {
      id: sc.id,
      title: sc.title,
      ...(sc.period === undefined ? {} : { period: sc.period }),
      briefing: sc.briefing,
      clock: sc.clock,
      factors,
      teams: sc.teams.map((t) => ({ id: t.id, name: t.name, kind: t.kind, nato: t.nato })),
      cjsor: sc.forceGeneration.cjsor,
      unscMembers: (sc.unsc?.members ?? []).map((m) => ({
        id: m.id,
        name: m.name,
        permanent: m.permanent,
        ...(m.team === undefined ? {} : { team: m.team }),
      })),
    };
    briefs.set(sc, brief);
  }
  return brief;
}

/**
 * The parts of a view made from one frozen part of a state are remembered by it, so that an
 * unchanged part gives the very same object in the next view: the server's view diff then
 * skips it at a glance, and nothing is rebuilt. A part that is not frozen (a runner's working
 * copy, changed in place) is never remembered. The caches are per scenario, whose inject
 * titles and team briefings the parts copy.
 */
interface ViewParts {
  /** By the `injects.active` record, then by role. */
  readonly injectLists: WeakMap<object, Map<Role, View['injects']>>;
  readonly injects: WeakMap<ActiveInject, Map<string, InjectView>>;
  /** By the `force.contingents` record, then by nation (`*`: all of them). */
  readonly forces: WeakMap<object, Map<string, readonly Contingent[]>>;
  readonly teams: WeakMap<TeamState, Map<string, TeamView>>;
}

type InjectView = View['injects'][number];
type TeamView = NonNullable<View['team']>;

const parts = new WeakMap<Scenario, ViewParts>();

function partsOf(sc: Scenario): ViewParts {
  let p = parts.get(sc);
  if (!p) {
    p = {
      injectLists: new WeakMap(),
      injects: new WeakMap(),
      forces: new WeakMap(),
      teams: new WeakMap(),
    };
    parts.set(sc, p);
  }
  return p;
}

/**
 * `make()`, remembered by `key` and `sub` when `key` is frozen, and so is whatever else `make`
 * copies (`frozen`, asked only when it is made: frozen stays frozen).
 */
function remembered<K extends object, V>(
  cache: WeakMap<K, Map<string, V>>,
  key: K,
  sub: string,
  make: () => V,
  frozen: () => boolean = () => true,
): V {
  if (!Object.isFrozen(key)) return make();
  let bySub = cache.get(key);
  let value = bySub?.get(sub);
  if (value !== undefined) return value;
  value = make();
  if (!frozen()) return value;
  Object.freeze(value); // shared by every view that holds it
  if (!bySub) {
    bySub = new Map();
    cache.set(key, bySub);
  }
  bySub.set(sub, value);
  return value;
}

function injectsFor(state: SessionState, role: Role, p: ViewParts): View['injects'] {
  const active = state.injects.active;
  const all = (): ActiveInject[] => Object.values(active);
  return remembered(
    p.injectLists,
    active,
    role,
    () =>
      all().flatMap((a) => {
        const e = lookup(state.scenario).event.get(a.id);
        if (!e || !audienceIncludes(audienceOf(e), role)) return [];
        return [
          remembered(p.injects, a, '', () => ({
            ...a,
            title: e.title,
            description: e.description,
          })),
        ];
      }),
    // Each item copies an inject's fields: the list is remembered only if they are frozen too.
    () => all().every((a) => Object.isFrozen(a)),
  );
}

/** The whole force (`*`) or one nation's contingents. */
function forceFor(state: SessionState, nation: string, p: ViewParts): readonly Contingent[] {
  const contingents = state.force.contingents;
  return remembered(p.forces, contingents, nation, () => {
    const all = Object.values(contingents);
    return nation === '*' ? all : all.filter((c) => c.nation === nation);
  });
}

export function viewFor(state: SessionState, role: Role): View {
  const sc = state.scenario;
  const p = partsOf(sc);
  const teamId = role.startsWith('team:') ? role.slice(5) : undefined;
  const def = teamId === undefined ? undefined : lookup(sc).team.get(teamId);
  const force =
    role === 'facilitator' || def?.kind === 'alliance'
      ? forceFor(state, '*', p)
      : def
        ? forceFor(state, def.id, p)
        : undefined;
  const own = teamId === undefined ? undefined : state.teams[teamId];
  return {
    role,
    scenario: briefOf(sc),
    turn: state.turn,
    status: state.status,
    paused: state.paused,
    phase: phaseOf(state),
    phaseLabel: phaseLabel(state),
    outcome: state.outcome,
    public: state.public,
    injects: injectsFor(state, role, p),
    ...(own && def
      ? {
          team: remembered(p.teams, own, def.id, () => ({
            ...own,
            id: def.id,
            ...(def.briefing === undefined ? {} : { briefing: def.briefing }),
          })),
        }
      : {}),
    ...(force ? { force } : {}),
    ...(role === 'facilitator' ? { full: state } : {}),
  };
}

/** The events of a step that `role` may see. */
export function eventsFor(events: readonly EngineEvent[], role: Role): EngineEvent[] {
  return events.filter((e) => audienceIncludes(e.audience, role));
}
