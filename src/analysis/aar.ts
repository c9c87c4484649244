/**
 * The after-action report of a recorded session, built by replaying its command log with
 * events: the timeline of phases and injects, each team's decisions (taken by its players or
 * by its default policy), every resolution with its explanation, the factor trajectories,
 * white-cell rulings and overrides kept apart from model results, key turning points, and
 * per-team and coalition measures. Optionally, futures of the session from the start of each
 * turn (see fork.ts) say "what usually happens" and how each turn moved the odds.
 *
 * Key turning points. A turn's swing is the change in the estimated probability of success
 * from the start of that turn to the start of the next: P(t) is the success share of N futures
 * forked at the start of turn t with the session's own decisions (the same N seeds at every
 * turn), and the end turn counts as 1 or 0 by the actual outcome. The turning points are the
 * turns with the largest |swing|, each with its resolutions ranked by how far their luck moved
 * the factors (below), then by luck: outcome (1 for success, 0 for failure) minus the chance
 * the model gave it, so a 20 % long shot that came off has luck +0.80. Without futures, the turning points are the resolutions whose luck
 * moved the factors most: |luck| × Σ over factors of |effect on success − effect on failure|
 * (the distance between the factors it left and the ones expected of it).
 */
import {
  describeEvent,
  explainText,
  phaseLabel,
  phaseOf,
  type Command,
  type EngineEvent,
  type Outcome,
  type Scenario,
  type SessionState,
} from '../../engine/index.js';
import { turnLabel } from '../run/report.js';
import { describeCommand } from './aggregate.js';
import type { RunResult } from './columns.js';
import { forkPoint, type ForkPoint } from './fork.js';
import type { Variant } from './plan.js';
import { runPlan } from './pool.js';
import type { RunTable } from './run-table.js';
import { sortScript } from './runner.js';
import { SessionLogError, type Replayed } from './session-log.js';
import { proportion, round6, type Proportion } from './stats.js';

export type Source = 'players' | 'policy' | 'white cell' | 'model';

export interface DecisionEntry {
  readonly seq: number;
  readonly turn: number;
  readonly team: string;
  readonly text: string;
  /** Taken by the team's players (a logged command) or by its default policy. */
  readonly source: 'players' | 'policy';
}

export interface ResolutionEntry {
  readonly seq: number;
  readonly turn: number;
  readonly title: string;
  /** The inject id or action (`diplomacy`, `sustainment` …). */
  readonly subject: string;
  readonly team: string | null;
  readonly outcome: 'success' | 'failure';
  readonly chance: number;
  readonly roll: number | null;
  /** The line `ttx run` prints: what, outcome, and why. */
  readonly text: string;
  readonly explanation: string;
  /** A white-cell override decided it (no roll). */
  readonly override: string | null;
  /** Outcome (1 or 0) minus chance. */
  readonly luck: number;
}

export interface TimelineEntry {
  readonly seq: number;
  readonly kind: EngineEvent['kind'];
  readonly text: string;
  readonly source: Source;
  readonly team: string | null;
}

export interface TimelineTurn {
  readonly turn: number;
  readonly label: string;
  /** The stage at the start of the turn, e.g. "mandate › unsc.drafting". */
  readonly stage: string;
  readonly entries: readonly TimelineEntry[];
}

export interface FacilitatorEntry {
  readonly seq: number;
  readonly turn: number;
  readonly type: string;
  readonly text: string;
  readonly reason: string | null;
}

export interface TeamMeasures {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly control: string;
  readonly decisions: readonly DecisionEntry[];
  readonly resolutions: Proportion;
  readonly support: { readonly start: number; readonly end: number };
  readonly approval: string | null;
  readonly units: { readonly pledged: number; readonly deployed: number };
  readonly caveats: readonly string[];
}

export interface CoalitionMeasures {
  readonly units: SessionState['public']['units'];
  readonly cjsor: readonly {
    slot: string;
    capability: string;
    required: number;
    pledged: number;
    critical: boolean;
  }[];
  readonly mandate: {
    readonly chapter: string | null;
    readonly withoutMandate: boolean;
    readonly votes: readonly { draft: number; chapter: string; yes: number; adopted: boolean }[];
    readonly objections: readonly string[];
    readonly reservations: readonly string[];
  };
  readonly resolutions: Proportion;
  readonly injects: Proportion;
  readonly factors: readonly { id: string; label: string; start: number; end: number }[];
}

export interface PhaseSpan {
  readonly phase: string;
  readonly from: number;
  readonly to: number;
}

export interface TurningPoint {
  readonly turn: number;
  /** P(success) at the start of the turn and of the next (null without futures). */
  readonly before: number | null;
  readonly after: number | null;
  readonly swing: number | null;
  /** The turn's resolutions: those whose luck moved the factors most first, then by |luck|. */
  readonly resolutions: readonly ResolutionEntry[];
  /** The turn's votes, injects, phase changes and end, for context. */
  readonly events: readonly string[];
}

export interface Futures {
  readonly runsPerTurn: number;
  /** P(success) of the futures forked at the start of each turn. */
  readonly perTurn: readonly { turn: number; success: Proportion }[];
  /** From the start of turn 1: what usually happens with these decisions. */
  readonly fromStart: Readonly<Record<'success' | 'partial' | 'failure', Proportion>> | null;
}

export interface AarModel {
  readonly kind: 'ttx-aar';
  readonly format: 1;
  readonly scenario: { readonly id: string; readonly title: string; readonly period: string };
  readonly log: string;
  readonly seed: string;
  readonly engineVersion: string;
  readonly commands: number;
  readonly stateHash: string;
  readonly verified: boolean;
  readonly outcome: Outcome | null;
  readonly turns: number;
  readonly phases: readonly PhaseSpan[];
  readonly timeline: readonly TimelineTurn[];
  readonly decisions: readonly DecisionEntry[];
  readonly resolutions: readonly ResolutionEntry[];
  readonly facilitator: readonly FacilitatorEntry[];
  readonly overridden: readonly ResolutionEntry[];
  readonly teams: readonly TeamMeasures[];
  readonly coalition: CoalitionMeasures;
  /** Factors at the start of each turn, then at the end. */
  readonly trajectory: readonly { turn: number; factors: Readonly<Record<string, number>> }[];
  readonly factorLabels: Readonly<Record<string, string>>;
  readonly turningPoints: readonly TurningPoint[];
  readonly futures: Futures | null;
}

export interface AarOptions {
  /** Name of the log, for the report. */
  readonly log: string;
  /** Futures per turn for the odds and turning points (0: none). */
  readonly futures?: number;
  readonly workers?: number;
  readonly seed?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

const TURNING_POINTS = 5;

/** Builds the report model of a replayed session. */
export async function buildAar(r: Replayed, options: AarOptions): Promise<AarModel> {
  const sc = r.scenario;
  const names = teamNames(sc);
  const timeline: TimelineTurn[] = [];
  const decisions: DecisionEntry[] = [];
  const resolutions: ResolutionEntry[] = [];
  const facilitator: FacilitatorEntry[] = [];
  const phases: PhaseSpan[] = [];
  let current: { turn: number; stage: string; entries: TimelineEntry[] } | null = null;
  let prev: SessionState = r.initial;

  const openTurn = (turn: number, state: SessionState): TimelineEntry[] => {
    if (current?.turn === turn) return current.entries;
    if (current) timeline.push(finish(sc, current));
    current = { turn, stage: phaseLabel(state), entries: [] };
    return current.entries;
  };

  for (const s of r.steps) {
    const c = s.command;
    const clock = c.type === 'advance' || c.type === 'start';
    const byTeam = c.by.startsWith('team:') ? c.by.slice(5) : null;
    const source: Source = clock ? 'model' : byTeam ? 'players' : 'white cell';
    if (!clock && c.by === 'facilitator') {
      facilitator.push({
        seq: s.seq,
        turn: s.turn,
        type: c.type,
        text: facilitatorText(c, s.events),
        reason: 'reason' in c && typeof c.reason === 'string' ? c.reason : null,
      });
    }
    let recorded = false;
    for (const e of s.events) {
      // Events of the next turn (after the clock tick) open it in the timeline.
      const entries = openTurn(e.turn, e.turn === s.turn ? prev : s.state);
      if (e.kind === 'turn') continue;
      const team = e.team ?? teamOfText(e.text, names);
      if (e.kind === 'resolution' && e.explanation) {
        const x = e.explanation;
        resolutions.push({
          seq: s.seq,
          turn: e.turn,
          title: e.text,
          subject: e.subject ?? '',
          team: team ?? byTeam,
          outcome: x.outcome,
          chance: x.chance,
          roll: x.roll ?? null,
          text: describeEvent(e),
          explanation: explainText(x),
          override: x.override?.reason ?? null,
          luck: round6((x.outcome === 'success' ? 1 : 0) - x.chance),
        });
      }
      if (e.kind === 'decision') {
        const who = byTeam ?? (clock ? team : null);
        if (who !== null) {
          decisions.push({
            seq: s.seq,
            turn: e.turn,
            team: who,
            text: e.text,
            source: byTeam ? 'players' : 'policy',
          });
          if (byTeam) recorded = true;
        }
      }
      const entrySource: Source =
        e.kind === 'decision' && clock && team !== null ? 'policy' : source;
      entries.push({
        seq: s.seq,
        kind: e.kind,
        text: describeEvent(e),
        source: entrySource,
        team: team ?? byTeam,
      });
    }
    // A player's command that reported no decision event (e.g. a diplomacy roll) still is one.
    if (byTeam && !recorded) {
      decisions.push({
        seq: s.seq,
        turn: s.turn,
        team: byTeam,
        text: `${names.get(byTeam) ?? byTeam}: ${describeCommand(c)}`,
        source: 'players',
      });
    }
    notePhase(phases, prev, s.state);
    prev = s.state;
  }
  const open = current as { turn: number; stage: string; entries: TimelineEntry[] } | null;
  if (open) timeline.push(finish(sc, open));
  const final = r.final;
  const last = phases.at(-1);
  if (last) phases[phases.length - 1] = { ...last, to: final.outcome?.turn ?? final.turn };

  const trajectory = [
    ...final.public.history.map((h) => ({ turn: h.turn, factors: h.factors })),
    { turn: final.outcome?.turn ?? final.turn, factors: final.public.factors },
  ];
  const futures = await runFutures(r, options);
  return {
    kind: 'ttx-aar',
    format: 1,
    scenario: { id: sc.id, title: sc.title, period: sc.period ?? '' },
    log: options.log,
    seed: r.seed,
    engineVersion: final.engineVersion,
    commands: r.steps.length,
    stateHash: r.stateHash,
    verified: r.verified,
    outcome: final.outcome,
    turns: final.turn,
    phases,
    timeline,
    decisions,
    resolutions,
    facilitator,
    overridden: resolutions.filter((x) => x.override !== null),
    teams: teamMeasures(r, decisions, resolutions),
    coalition: coalition(r, resolutions),
    trajectory,
    factorLabels: Object.fromEntries(Object.entries(sc.factors).map(([id, f]) => [id, f.label])),
    turningPoints: turningPoints(timeline, resolutions, futures, final),
    futures,
  };
}

function finish(
  sc: Scenario,
  t: { turn: number; stage: string; entries: TimelineEntry[] },
): TimelineTurn {
  return {
    turn: t.turn,
    label: t.turn === 0 ? 'Set-up' : turnLabel(sc, t.turn),
    stage: t.stage,
    entries: t.entries,
  };
}

function teamNames(sc: Scenario): Map<string, string> {
  return new Map(sc.teams.map((t) => [t.id, t.name]));
}

/** The team an event's text is about, when the engine did not tag it: "Arland pledges …". */
function teamOfText(text: string, names: ReadonlyMap<string, string>): string | null {
  let best: string | null = null;
  let length = 0;
  for (const [id, name] of names) {
    const next = text.charAt(name.length);
    if (name.length > length && text.startsWith(name) && (next === ' ' || next === ':')) {
      best = id;
      length = name.length;
    }
  }
  return best;
}

function facilitatorText(c: Command, events: readonly EngineEvent[]): string {
  const shown = events.filter((e) => e.kind !== 'effect').map((e) => e.text);
  return shown.length ? shown.join(' ') : `White cell: ${describeCommand(c)}`;
}

function notePhase(phases: PhaseSpan[], before: SessionState, after: SessionState): void {
  const p = phaseOf(after);
  if (p === phaseOf(before) && phases.length > 0) return;
  const last = phases.at(-1);
  if (last?.phase === p) return;
  const at =
    p === 'ended' ? (after.outcome?.turn ?? after.turn) : after.public.phaseSince || after.turn;
  if (last) phases[phases.length - 1] = { ...last, to: at };
  phases.push({ phase: p, from: at, to: at });
}

function teamMeasures(
  r: Replayed,
  decisions: readonly DecisionEntry[],
  resolutions: readonly ResolutionEntry[],
): TeamMeasures[] {
  const final = r.final;
  return r.scenario.teams.map((t) => {
    const state = final.teams[t.id];
    const own = resolutions.filter((x) => x.team === t.id);
    return {
      id: t.id,
      name: t.name,
      kind: t.kind,
      control: state?.control ?? 'policy',
      decisions: decisions.filter((d) => d.team === t.id),
      resolutions: proportion(own.filter((x) => x.outcome === 'success').length, own.length),
      support: { start: t.support, end: state?.support ?? t.support },
      approval: final.public.mandate.approvals[t.id] ?? null,
      units: { pledged: state?.units.pledged ?? 0, deployed: state?.units.deployed ?? 0 },
      caveats: [...new Set([...t.caveats, ...(state?.caveats ?? [])])],
    };
  });
}

function coalition(r: Replayed, resolutions: readonly ResolutionEntry[]): CoalitionMeasures {
  const final = r.final;
  const sc = r.scenario;
  const m = final.public.mandate;
  const injectIds = new Set(sc.events.map((e) => e.id));
  const injects = resolutions.filter((x) => injectIds.has(x.subject));
  return {
    units: final.public.units,
    cjsor: sc.forceGeneration.cjsor.map((slot) => ({
      slot: slot.id,
      capability: slot.capability,
      required: slot.required,
      pledged: final.public.cjsor[slot.id] ?? 0,
      critical: slot.critical,
    })),
    mandate: {
      chapter: m.chapter,
      withoutMandate: m.withoutMandate,
      votes: m.votes.map((v) => ({
        draft: v.draft,
        chapter: v.chapter,
        yes: v.ballot.filter((b) => b.vote === 'yes').length,
        adopted: v.adopted,
      })),
      objections: m.nac.objections,
      reservations: m.nac.reservations.map((x) => `${x.team}: ${x.caveat}`),
    },
    resolutions: proportion(
      resolutions.filter((x) => x.outcome === 'success').length,
      resolutions.length,
    ),
    injects: proportion(injects.filter((x) => x.outcome === 'success').length, injects.length),
    factors: Object.entries(sc.factors).map(([id, f]) => ({
      id,
      label: f.label,
      start: f.start,
      end: final.public.factors[id] ?? f.start,
    })),
  };
}

async function runFutures(r: Replayed, options: AarOptions): Promise<Futures | null> {
  const n = options.futures ?? 0;
  if (n <= 0) return null;
  // Every turn the session was still running at its start: one variant of one plan each.
  const end = r.final.outcome?.turn ?? r.final.turn;
  const points: ForkPoint[] = [];
  for (let t = 1; t <= end; t++) {
    try {
      points.push(forkPoint(r, t));
    } catch (err) {
      if (!(err instanceof SessionLogError)) throw err;
    }
  }
  const variants: Variant[] = points.map((p) => ({
    id: `turn ${p.atTurn}`,
    start: { scenario: r.scenario, state: p.state, phasesBefore: p.phasesBefore },
    script: sortScript(p.own.decisions),
    human: [],
    detail: false,
  }));
  const tables = await runPlan(
    { variants, runs: n, seed: options.seed ?? `${r.seed}@futures`, onRejected: 'skip' },
    {
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    },
  );
  const share = (runs: RunTable | undefined, result: RunResult): Proportion =>
    proportion(runs?.count(result) ?? 0, runs?.length ?? 0);
  const perTurn = points.map((p, i) => ({ turn: p.atTurn, success: share(tables[i], 'success') }));
  const first = points[0]?.atTurn === 1 ? tables[0] : undefined;
  const fromStart: Futures['fromStart'] = first
    ? {
        success: share(first, 'success'),
        partial: share(first, 'partial'),
        failure: share(first, 'failure'),
      }
    : null;
  return { runsPerTurn: n, perTurn, fromStart };
}

/**
 * How far a roll's outcome moves the factors: Σ over factors of |effect on success − effect on
 * failure|, from the scenario (0 for rolls whose outcome changes no factor).
 */
export function consequence(sc: Scenario, subject: string): number {
  const sum = (
    f: Readonly<Record<string, number>> | undefined,
    g?: Readonly<Record<string, number>>,
  ): number => {
    const keys = new Set([...Object.keys(f ?? {}), ...Object.keys(g ?? {})]);
    let total = 0;
    for (const k of keys) total += Math.abs((f?.[k] ?? 0) - (g?.[k] ?? 0));
    return total;
  };
  const inject = sc.events.find((e) => e.id === subject);
  if (inject) return sum(inject.effects.success?.factors, inject.effects.failure?.factors);
  if (subject === 'cimic' || subject === 'intelSharing' || subject === 'sustainment') {
    return sum(sc.actions[subject].effect?.factors);
  }
  return 0;
}

const CONTEXT_KINDS = new Set(['vote', 'inject', 'phase', 'ended', 'ruling']);

function eventsOf(timeline: readonly TimelineTurn[], turn: number): string[] {
  return (timeline.find((t) => t.turn === turn)?.entries ?? [])
    .filter((e) => CONTEXT_KINDS.has(e.kind) || (e.kind === 'decision' && e.team === null))
    .map((e) =>
      e.kind === 'inject' ? (e.text.split(': ')[0] ?? e.text).replace(/:$/, '') : e.text,
    );
}

function turningPoints(
  timeline: readonly TimelineTurn[],
  resolutions: readonly ResolutionEntry[],
  futures: Futures | null,
  final: SessionState,
): TurningPoint[] {
  // How far a resolution's luck moved the factors; ties (and rolls that move no factor) by luck.
  const weight = (x: ResolutionEntry): number =>
    Math.abs(x.luck) * consequence(final.scenario, x.subject);
  const byLuck = (a: ResolutionEntry, b: ResolutionEntry): number =>
    weight(b) - weight(a) || Math.abs(b.luck) - Math.abs(a.luck) || a.seq - b.seq;
  if (!futures || futures.perTurn.length === 0) {
    return [...resolutions]
      .filter((x) => x.override === null && weight(x) > 0)
      .sort((a, b) => weight(b) - weight(a) || a.seq - b.seq)
      .slice(0, TURNING_POINTS)
      .map((x) => ({
        turn: x.turn,
        before: null,
        after: null,
        swing: null,
        resolutions: [x],
        events: eventsOf(timeline, x.turn),
      }));
  }
  const p = new Map(futures.perTurn.map((x) => [x.turn, x.success.p]));
  const actual = final.outcome ? (final.outcome.result === 'success' ? 1 : 0) : null;
  const points: TurningPoint[] = [];
  for (const { turn } of futures.perTurn) {
    const before = p.get(turn) ?? null;
    // After the last turn forked, the odds are the actual outcome.
    const after = p.get(turn + 1) ?? actual;
    if (before === null || after === null) continue;
    points.push({
      turn,
      before,
      after,
      swing: round6(after - before),
      resolutions: resolutions.filter((x) => x.turn === turn).sort(byLuck),
      events: eventsOf(timeline, turn),
    });
  }
  return points
    .sort((a, b) => Math.abs(b.swing ?? 0) - Math.abs(a.swing ?? 0) || a.turn - b.turn)
    .slice(0, TURNING_POINTS);
}
