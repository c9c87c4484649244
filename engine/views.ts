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

export function viewFor(state: SessionState, role: Role): View {
  const sc = state.scenario;
  const teamId = role.startsWith('team:') ? role.slice(5) : undefined;
  const def = teamId === undefined ? undefined : lookup(sc).team.get(teamId);
  const injects = Object.values(state.injects.active).flatMap((a) => {
    const e = lookup(sc).event.get(a.id);
    return e && audienceIncludes(audienceOf(e), role)
      ? [{ ...a, title: e.title, description: e.description }]
      : [];
  });
  const contingents = Object.values(state.force.contingents);
  const force =
    role === 'facilitator' || def?.kind === 'alliance'
      ? contingents
      : def
        ? contingents.filter((c) => c.nation === def.id)
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
    injects,
    ...(own && def
      ? {
          team: {
            ...own,
            id: def.id,
            ...(def.briefing === undefined ? {} : { briefing: def.briefing }),
          },
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
