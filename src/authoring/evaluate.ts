/**
 * One property run of `ttx check`, evaluated: every reached state is checked (a legal state,
 * the author's invariants), what the run covers is recorded (stages, events, reachability
 * claims) with how close it came to what it does not, and after the run: it terminated, its
 * log replays (with a JSON save and restore midway) to the identical state, and a run that
 * timed out was not stuck in a dead end. Used in the main thread and in worker threads.
 */
import {
  hashState,
  phaseLabel,
  type Command,
  type PropertyConditionDef,
  type Scenario,
  type ScenarioEventDef,
  type SessionState,
} from '../../engine/index.js';
import {
  allHold,
  describeConditions,
  distance as conditionDistance,
  explainCondition,
  totalDistance,
} from './conditions.js';
import { EXTRA_TURNS, findDeadEnd, sameState, stateProblems } from './invariants.js';
import { messageOf, playInPlace, replayInPlace, type Play, type PlayOutcome } from './play.js';
import { playScenario } from '../run/headless.js';
import { withPolicies } from './run.js';
import { allStages, expectedStages, stageRank, WAITING_STAGES } from './stages.js';

export interface Violation {
  /** Commands applied when the violation was seen (the failing state is after them). */
  readonly step: number;
  readonly why: readonly string[];
}

export interface Closest {
  readonly d: number;
  readonly step: number;
}

export interface RunReport {
  readonly out: PlayOutcome;
  readonly violations: Map<string, Violation>;
  readonly stages: Set<string>;
  readonly events: Set<string>;
  readonly reached: Set<string>;
  /** Closeness to each tracked target (`stage:x`, `event:x`, `reach:x`). */
  readonly closest: Map<string, Closest>;
  readonly states: number;
  readonly timedOut: boolean;
}

export interface EvalOptions {
  /** Targets whose closeness to track. */
  readonly targets: readonly string[];
  /** Check determinism and save/restore (a second execution). */
  readonly replay: boolean;
  /** Search timed-out runs for a dead end. */
  readonly deadEnd: boolean;
  /** Stop the run as soon as this violation is seen. */
  readonly stopOn?: string;
}

/** Everything about a scenario the per-run evaluation needs, computed once. */
export class Subject {
  readonly stages: string[];
  readonly successRank: number;
  readonly phaseText = new Map<string, string>();
  readonly invariants: {
    id: string;
    always: PropertyConditionDef[];
    while: PropertyConditionDef[];
  }[];
  readonly reachables: { id: string; holds: PropertyConditionDef[] }[];
  readonly events: Map<string, ScenarioEventDef>;

  /** A deep copy of the scenario: what loading the file again would give. */
  readonly reloaded: Scenario;

  constructor(readonly scenario: Scenario) {
    this.reloaded = JSON.parse(JSON.stringify(scenario)) as Scenario;
    this.stages = expectedStages(scenario);
    this.successRank = stageRank(this.stages, 'ended.success');
    for (const stage of allStages()) {
      this.phaseText.set(`Phase: ${phaseLabel({ stage } as SessionState)}`, stage);
    }
    const props = scenario.properties ?? [];
    this.invariants = props.flatMap((p) =>
      p.invariant ? [{ id: p.id, always: p.invariant.always, while: p.invariant.while ?? [] }] : [],
    );
    this.reachables = props.flatMap((p) => (p.reachable ? [{ id: p.id, holds: p.reachable }] : []));
    this.events = new Map(scenario.events.map((e) => [e.id, e]));
  }

  /** Progress of a run towards success, 0..1, from the furthest stage it reached. */
  progress(maxRank: number): number {
    return Math.min(1, maxRank / Math.max(1, this.successRank));
  }

  /**
   * How far `s` is from the stage `target`: stages apart in the run order, refined where a
   * stage waits on a count or on the end state (failed drafts before the Council is blocked;
   * the end-state conditions and their streak before handover; the clock before a partial
   * end). An ended run counts from the furthest stage it reached.
   */
  stageDistance(s: SessionState, target: string, maxRank: number): number {
    if (s.stage === target) return 0;
    const sc = s.scenario;
    const ended = s.stage.startsWith('ended.');
    const here = ended ? maxRank : stageRank(this.stages, s.stage);
    const want = stageRank(this.stages, target);
    let d = Math.abs(want - here) + (ended ? 0.5 : 0);
    if (ended) return d;
    if (target === 'mandate.unsc.blocked' && s.stage.startsWith('mandate.unsc.')) {
      const failed = s.public.mandate.votes.filter((v) => !v.adopted).length;
      d = 1 - failed / (sc.unsc?.maxDrafts ?? 1) + (s.stage === 'mandate.unsc.voting' ? 0 : 0.25);
    } else if (s.stage === 'deployment.operations' && want > here && !target.startsWith('ended.')) {
      const success = sc.endConditions.success;
      d +=
        totalDistance(s, success.all) +
        (success.forTurns - s.public.successStreak) / success.forTurns -
        1;
    } else if (s.stage === 'deployment.operations' && target === 'ended.success') {
      const success = sc.endConditions.success;
      d += totalDistance(s, success.all) - s.public.successStreak / success.forTurns - 1;
    } else if (target === 'ended.partial' && WAITING_STAGES.has(s.stage)) {
      d = (sc.clock.maxTurns - s.turn) / sc.clock.maxTurns;
    }
    return Math.max(d, 1e-6);
  }

  /** How far `s` is from firing `def` (0: every trigger condition holds). */
  triggerDistance(s: SessionState, def: ScenarioEventDef, progress: number): number {
    const t = def.trigger;
    let d = s.status === 'running' ? 0 : 0.5;
    if (t.hipPocket) return d;
    if (t.turn !== undefined) d += Math.abs(s.turn - t.turn) / s.scenario.clock.maxTurns;
    if (t.phase !== undefined) d += conditionDistance(s, { phase: t.phase }, progress);
    if (t.when) d += totalDistance(s, t.when, progress);
    return d;
  }

  evaluate(play: Play, opts: EvalOptions): RunReport {
    const sc = this.scenario;
    const violations = new Map<string, Violation>();
    const stages = new Set<string>();
    const events = new Set<string>();
    const reached = new Set<string>();
    const closest = new Map<string, Closest>();
    const stageTargets: string[] = [];
    const eventTargets: ScenarioEventDef[] = [];
    const reachTargets = new Set<string>();
    for (const t of opts.targets) {
      const [kind, id = ''] = splitTarget(t);
      if (kind === 'stage') stageTargets.push(id);
      else if (kind === 'event') {
        const def = this.events.get(id);
        if (def) eventTargets.push(def);
      } else reachTargets.add(id);
    }
    let step = 0;
    let states = 0;
    let legal = true;
    let lastStage = '';
    let stageSince = 0;
    let maxRank = 0;
    const violate = (id: string, why: readonly string[]): void => {
      if (!violations.has(id)) violations.set(id, { step, why });
    };
    const near = (key: string, d: number): void => {
      const c = closest.get(key);
      if (!c || d < c.d) closest.set(key, { d, step });
    };
    const hook = (
      s: SessionState,
      evs: readonly { kind: string; subject?: string; text: string }[],
      c: Command | null,
    ): boolean => {
      if (c !== null) step++;
      states++;
      if (legal) {
        const problems = stateProblems(s);
        if (problems.length > 0) {
          legal = false;
          violate('legal-state', problems);
        }
      }
      if (s.stage !== lastStage) {
        lastStage = s.stage;
        stageSince = step;
        stages.add(s.stage);
        if (!s.stage.startsWith('ended.'))
          maxRank = Math.max(maxRank, stageRank(this.stages, s.stage));
      }
      for (const e of evs) {
        if (e.kind === 'inject' && e.subject !== undefined) events.add(e.subject);
        else if (e.kind === 'phase') {
          const passed = this.phaseText.get(e.text);
          if (passed !== undefined) stages.add(passed);
        }
      }
      for (const inv of this.invariants) {
        const key = `prop:${inv.id}`;
        if (violations.has(key)) continue;
        if (allHold(s, inv.while) && !allHold(s, inv.always)) {
          const broken = inv.always.flatMap((cond) => explainCondition(s, cond));
          violate(
            key,
            inv.while.length
              ? [`${broken.join(', ')} — checked while ${describeConditions(inv.while)}`]
              : broken,
          );
        }
      }
      const progress = this.progress(maxRank);
      for (const r of this.reachables) {
        if (reached.has(r.id)) continue;
        if (allHold(s, r.holds)) {
          reached.add(r.id);
          closest.set(`reach:${r.id}`, { d: 0, step });
        } else if (reachTargets.has(r.id))
          near(`reach:${r.id}`, totalDistance(s, r.holds, progress));
      }
      for (const id of stageTargets) near(`stage:${id}`, this.stageDistance(s, id, maxRank));
      for (const def of eventTargets) {
        if (!events.has(def.id)) near(`event:${def.id}`, this.triggerDistance(s, def, progress));
      }
      return opts.stopOn === undefined || !violations.has(opts.stopOn);
    };
    // The state before each advance: its stage and turn tell a timeout from other endings.
    let lastRunning = { stage: '', turn: 0, since: 0 };
    const out = playInPlace(sc, play, (s, evs, c) => {
      const r = hook(s, evs, c);
      if (s.status === 'running') lastRunning = { stage: s.stage, turn: s.turn, since: stageSince };
      return r;
    });
    const end = out.state;
    if (out.error) {
      violate('no-exception', [
        out.error.command
          ? `${out.error.command.by} ${out.error.command.type}: ${out.error.message}`
          : out.error.message,
      ]);
    }
    if (out.stop === 'limit' || end.turn > sc.clock.maxTurns) {
      violate('terminates', [
        `the clock advanced ${sc.clock.maxTurns + 1} times after the decisions, yet the exercise did not end (turn ${end.turn} of ${sc.clock.maxTurns}, ${end.stage})`,
      ]);
    }
    const timedOut =
      out.stop === 'ended' &&
      end.outcome !== null &&
      lastRunning.turn === sc.clock.maxTurns &&
      out.commands.at(-1)?.type === 'advance';
    if (
      opts.deadEnd &&
      timedOut &&
      !WAITING_STAGES.has(lastRunning.stage) &&
      !violations.has('no-dead-end')
    ) {
      const at = replayInPlace(sc, play.seed, out.commands.slice(0, lastRunning.since));
      if (at.ok) {
        const dead = findDeadEnd(at.state);
        if (dead) {
          violations.set('no-dead-end', {
            step: out.commands.length,
            why: [
              `from turn ${dead.since} the exercise sat in ${dead.stage} until time ran out at turn ${sc.clock.maxTurns};`,
              `no legal command and no amount of extra time (tried ${dead.tried} continuations, each with ${EXTRA_TURNS} more turns) moves it on`,
            ],
          });
        }
      }
    }
    if (opts.replay && !out.error && out.stop === 'ended') this.checkReplay(play, out, violations);
    return { out, violations, stages, events, reached, closest, states, timedOut };
  }

  /** Determinism and save/restore: a second execution of the log, saved and restored midway. */
  private checkReplay(play: Play, out: PlayOutcome, violations: Map<string, Violation>): void {
    const sc = this.scenario;
    const n = out.commands.length;
    const cut = n === 0 ? 0 : (seedNumber(play.seed) + play.choices.length * 31) % (n + 1);
    const first = replayInPlace(sc, play.seed, out.commands.slice(0, cut));
    if (!first.ok) {
      violations.set('deterministic', {
        step: n,
        why: [`replaying the log, command ${first.index + 1} was rejected: ${first.message}`],
      });
      return;
    }
    let restored: SessionState;
    try {
      // A saved state is plain JSON; the scenario comes back from its file as another object.
      const saved = JSON.stringify({ ...first.state, scenario: null });
      restored = { ...(JSON.parse(saved) as SessionState), scenario: this.reloaded };
    } catch (err) {
      violations.set('save-restore', {
        step: n,
        why: [`the state after command ${cut} cannot be saved as JSON: ${messageOf(err)}`],
      });
      return;
    }
    const second = replayInPlace(sc, play.seed, out.commands.slice(cut), restored);
    if (second.ok && sameState(second.state, out.state)) return;
    // Tell the two apart: a plain replay without the save and restore.
    const plain = replayInPlace(sc, play.seed, out.commands);
    if (!plain.ok || !sameState(plain.state, out.state)) {
      violations.set('deterministic', {
        step: n,
        why: [
          plain.ok
            ? `replaying the same ${n} commands reached a different state (hash ${hashState(plain.state).slice(0, 12)}…, the run reached ${hashState(out.state).slice(0, 12)}…)`
            : `replaying the log, command ${plain.index + 1} was rejected: ${plain.message}`,
        ],
      });
    } else {
      violations.set('save-restore', {
        step: n,
        why: [
          second.ok
            ? `saved as JSON after command ${cut} and restored, the run ended in a different state (hash ${hashState(second.state).slice(0, 12)}…, not ${hashState(out.state).slice(0, 12)}…)`
            : `saved as JSON after command ${cut} and restored, command ${cut + second.index + 1} was rejected: ${second.message}`,
        ],
      });
    }
  }
}

export const splitTarget = (t: string): [string, string] => {
  const i = t.indexOf(':');
  return [t.slice(0, i), t.slice(i + 1)];
};

export function seedNumber(seed: string): number {
  let h = 0;
  for (let i = 0; i < seed.length; i++) h = (h * 31 + seed.charCodeAt(i)) >>> 0;
  return h;
}

/** What the check keeps of a run (plain data: it crosses from worker threads). */
export interface RunSummary {
  readonly states: number;
  readonly timedOut: boolean;
  /** The outcome, or how the run stopped. */
  readonly result: string;
  readonly violations: readonly (readonly [string, Violation])[];
  readonly stages: readonly string[];
  readonly events: readonly string[];
  readonly reached: readonly string[];
  readonly closest: readonly (readonly [string, Closest])[];
}

export function summarize(rep: RunReport): RunSummary {
  return {
    states: rep.states,
    timedOut: rep.timedOut,
    result: rep.out.state.outcome?.result ?? rep.out.stop,
    violations: [...rep.violations],
    stages: [...rep.stages],
    events: [...rep.events],
    reached: [...rep.reached],
    closest: [...rep.closest],
  };
}

/** Every coverage target of a scenario: `stage:x`, `event:x`, `reach:x`. */
export function allTargets(subject: Subject): string[] {
  return [
    ...subject.stages.map((s) => `stage:${s}`),
    ...subject.scenario.events.map((e) => `event:${e.id}`),
    ...subject.reachables.map((r) => `reach:${r.id}`),
  ];
}

/**
 * Evaluates runs in order, tracking closeness only to what this batch has not yet covered,
 * and searching for a dead end until one is found (the search is the costly part). A target
 * no run covers is tracked in every run, so batches give the same closest runs as one.
 */
export function exploreBatch(
  subject: Subject,
  plays: readonly Play[],
  onRun?: (i: number) => void,
): RunSummary[] {
  const open = new Set(allTargets(subject));
  let deadEnd = true;
  return plays.map((play, i) => {
    const rep = subject.evaluate(play, { targets: [...open], replay: true, deadEnd });
    for (const s of rep.stages) open.delete(`stage:${s}`);
    for (const e of rep.events) open.delete(`event:${e}`);
    for (const r of rep.reached) open.delete(`reach:${r}`);
    if (rep.violations.has('no-dead-end')) deadEnd = false;
    onRun?.(i);
    return summarize(rep);
  });
}

export type StatisticDef = NonNullable<NonNullable<Scenario['properties']>[number]['statistic']>;

/**
 * Whether the final state of the default-policy run of each seed `from`…`to − 1` meets the
 * statistic's `ending` conditions (`assuming` applied to the policies).
 */
export function statisticHits(sc: Scenario, st: StatisticDef, from: number, to: number): boolean[] {
  const played = withPolicies(sc, st.assuming);
  const hits: boolean[] = [];
  for (let i = from; i < to; i++) {
    hits.push(allHold(playScenario(played, String(i), { keepEvents: false }).state, st.ending));
  }
  return hits;
}
