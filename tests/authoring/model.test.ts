/**
 * Model-based tests of the engine (fc.commands / fc.modelRun): random sequences of team
 * decisions, clock ticks, pauses and JSON save-and-restores are applied to a real session and
 * to a small, independent model of each phase — the UN Security Council (drafts, the Charter
 * vote rule), the North Atlantic Council (silence procedure, circulations), national
 * approvals, force generation (pledges against the CJSOR, rounds, gaps, transfer of
 * authority), deployment and the end of the exercise. The model predicts whether each command
 * is legal and where the exercise goes next; random outcomes (votes of Council members no team
 * plays, parliaments, sustainment) are read from the session and checked for consistency.
 *
 * Each test starts from a state the default policies reach (a stage of each phase, so that
 * every phase is exercised), then hands every team to its human players.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSession,
  hashState,
  step,
  type Command,
  type Scenario,
  type SessionState,
} from '../../engine/index.js';
import { conditionHolds } from '../../engine/injects.js';
import { loadScenario } from '../helpers/scenarios.js';

/** The island fixture without parliaments, so that approvals (and full rounds) are common. */
const island = loadScenario('tests/authoring/fixtures/island.yaml');
const scenario: Scenario = {
  ...island,
  teams: island.teams.map((t) => ({ ...t, parliament: false })),
};
const NATIONS = scenario.teams.filter((t) => t.kind === 'nation');
const ALLIANCE = scenario.teams.find((t) => t.kind === 'alliance')!.id;
const unsc = scenario.unsc!;

interface Model {
  turn: number;
  stage: string;
  phaseSince: number;
  paused: boolean;
  drafts: number;
  voted: Set<string>;
  circulations: number;
  deadline: number;
  approvals: Record<string, string>;
  fill: Record<string, number>;
  pledged: Record<string, { total: number; byCap: Record<string, number> }>;
  round: number;
  gaps: number;
  criticalGaps: number;
  deployed: number;
}

interface Real {
  state: SessionState;
}

/** Which rules of the model the runs went through (the test asserts all of them were). */
const exercised = new Set<string>();

const ended = (m: Model): boolean => m.stage.startsWith('ended.');
const ctx = (s: SessionState, machine: 'mandate' | 'forceGeneration'): Record<string, number> =>
  s.machines[machine].context as Record<string, number>;

/** The model's starting point, read once from the real state. */
function modelOf(s: SessionState): Model {
  return {
    turn: s.turn,
    stage: s.stage,
    phaseSince: s.public.phaseSince,
    paused: s.paused,
    drafts: ctx(s, 'mandate')['drafts'] ?? 0,
    voted: new Set(Object.entries(s.teams).flatMap(([id, t]) => (t.vote ? [id] : []))),
    circulations: ctx(s, 'mandate')['circulations'] ?? 0,
    deadline: s.public.mandate.nac.deadline ?? 0,
    approvals: { ...s.public.mandate.approvals },
    fill: { ...s.public.cjsor },
    pledged: Object.fromEntries(
      Object.entries(s.teams).map(([id, t]) => [
        id,
        { total: t.units.pledged, byCap: { ...t.units.byCapability } },
      ]),
    ),
    round: ctx(s, 'forceGeneration')['round'] ?? 0,
    gaps: ctx(s, 'forceGeneration')['gaps'] ?? 0,
    criticalGaps: ctx(s, 'forceGeneration')['criticalGaps'] ?? 0,
    deployed: s.public.units.deployed,
  };
}

/** Applies `c`: the engine must accept it exactly when the model says it is legal. */
function apply(real: Real, c: Command, legal: boolean): boolean {
  exercised.add(legal ? c.type : `${c.type} refused`);
  const before = real.state;
  const r = step(before, c);
  if (legal) {
    expect(r.ok ? 'accepted' : `${r.error.code}: ${r.error.message}`, JSON.stringify(c)).toBe(
      'accepted',
    );
  } else {
    expect(r.ok, `${JSON.stringify(c)} should be refused`).toBe(false);
    expect(r.state).toBe(before);
  }
  if (r.ok) real.state = r.state;
  return r.ok;
}

/** A team decision is possible at all: started, not paused, not ended. */
const open = (m: Model): boolean => m.stage !== 'setup' && !m.paused && !ended(m);

function sync(m: Model, r: Real): void {
  expect(r.state.stage).toBe(m.stage);
  expect(r.state.turn).toBe(m.turn);
  expect(r.state.paused).toBe(m.paused);
  expect(r.state.public.cjsor).toEqual(m.fill);
  expect(r.state.public.mandate.approvals).toEqual(m.approvals);
}

const setStage = (m: Model, stage: string): void => {
  if (m.stage !== stage) m.phaseSince = m.turn;
  m.stage = stage;
};

type Cmd = fc.Command<Model, Real>;

class Draft implements Cmd {
  constructor(
    readonly team: string,
    readonly chapter: 'VI' | 'VII',
  ) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const kind = scenario.teams.find((t) => t.id === this.team)?.kind ?? '';
    const legal =
      open(m) &&
      ['nation', 'alliance', 'un'].includes(kind) &&
      unsc.penholders.includes(this.team) &&
      m.stage === 'mandate.unsc.drafting' &&
      m.drafts < unsc.maxDrafts;
    if (
      apply(r, { by: `team:${this.team}`, type: 'draftResolution', chapter: this.chapter }, legal)
    ) {
      m.drafts++;
      setStage(m, 'mandate.unsc.voting');
    }
    sync(m, r);
  }
  toString = (): string => `draft(${this.team}, ${this.chapter})`;
}

class Vote implements Cmd {
  constructor(
    readonly team: string,
    readonly vote: 'yes' | 'no' | 'abstain',
  ) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const seat = unsc.members.some((x) => x.team === this.team);
    const legal = open(m) && seat && m.stage === 'mandate.unsc.voting' && !m.voted.has(this.team);
    if (apply(r, { by: `team:${this.team}`, type: 'castVote', vote: this.vote }, legal))
      m.voted.add(this.team);
    sync(m, r);
  }
  toString = (): string => `vote(${this.team}, ${this.vote})`;
}

class Circulate implements Cmd {
  constructor(readonly team: string) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const legal =
      open(m) &&
      this.team === ALLIANCE &&
      (m.stage === 'mandate.nac.drafting' ||
        (m.stage === 'mandate.nac.broken' && m.circulations < scenario.nac.maxCirculations));
    if (apply(r, { by: `team:${this.team}`, type: 'circulate' }, legal)) {
      m.circulations++;
      m.deadline = m.turn + scenario.nac.silenceTurns;
      setStage(m, 'mandate.nac.silence');
    }
    sync(m, r);
  }
  toString = (): string => `circulate(${this.team})`;
}

class BreakSilence implements Cmd {
  constructor(readonly team: string) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const t = scenario.teams.find((x) => x.id === this.team);
    const legal = open(m) && t?.kind === 'nation' && t.nato && m.stage === 'mandate.nac.silence';
    if (apply(r, { by: `team:${this.team}`, type: 'breakSilence' }, legal)) {
      // Out of circulations, broken silence fails the mandate at once.
      setStage(
        m,
        m.circulations >= scenario.nac.maxCirculations ? 'ended.failure' : 'mandate.nac.broken',
      );
    }
    sync(m, r);
  }
  toString = (): string => `breakSilence(${this.team})`;
}

class Decide implements Cmd {
  constructor(
    readonly team: string,
    readonly approve: boolean,
  ) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const t = scenario.teams.find((x) => x.id === this.team);
    const legal =
      open(m) &&
      t?.kind === 'nation' &&
      m.stage === 'mandate.national' &&
      m.approvals[this.team] === 'pending';
    if (
      apply(r, { by: `team:${this.team}`, type: 'nationalDecision', approve: this.approve }, legal)
    ) {
      const got = r.state.public.mandate.approvals[this.team];
      // Without a parliament the government decides; with one, a refusal is final and an
      // approval goes to a vote (read from the session).
      if (!this.approve || !t?.parliament) expect(got).toBe(this.approve ? 'approved' : 'refused');
      else expect(['approved', 'refused']).toContain(got);
      m.approvals[this.team] = got ?? 'pending';
    }
    sync(m, r);
  }
  toString = (): string => `decide(${this.team}, ${this.approve})`;
}

/** The most units the model says `team` may pledge to `slot` (offer, ceiling, gap). */
function room(m: Model, team: string, slotId: string): number {
  const t = scenario.teams.find((x) => x.id === team);
  const slot = scenario.forceGeneration.cjsor.find((x) => x.id === slotId);
  if (!t || !slot || !t.offers[slot.capability]) return 0;
  const mine = m.pledged[t.id] ?? { total: 0, byCap: {} };
  const offer = (t.offers[slot.capability] ?? 0) - (mine.byCap[slot.capability] ?? 0);
  const ceiling = (t.troopCeiling ?? Infinity) - mine.total;
  const gap = slot.required - (m.fill[slot.id] ?? 0);
  return Math.max(0, Math.min(offer, ceiling, gap));
}

class Pledge implements Cmd {
  /** `units` 0: as many as the nation may (its room, at least 1). */
  constructor(
    readonly team: string,
    readonly slot: string,
    readonly want: number,
  ) {}
  units = 0;
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const t = scenario.teams.find((x) => x.id === this.team);
    const slot = scenario.forceGeneration.cjsor.find((x) => x.id === this.slot);
    const most = room(m, this.team, this.slot);
    this.units = this.want || Math.max(1, most);
    const legal =
      open(m) &&
      t?.kind === 'nation' &&
      m.stage === 'forceGeneration.pledging' &&
      m.approvals[this.team] === 'approved' &&
      this.units <= most;
    const c: Command = {
      by: `team:${this.team}`,
      type: 'pledge',
      slot: this.slot,
      units: this.units,
    };
    if (apply(r, c, legal) && t && slot) {
      m.fill[slot.id] = (m.fill[slot.id] ?? 0) + this.units;
      const mine = (m.pledged[t.id] ??= { total: 0, byCap: {} });
      mine.total += this.units;
      mine.byCap[slot.capability] = (mine.byCap[slot.capability] ?? 0) + this.units;
    }
    sync(m, r);
  }
  toString = (): string => `pledge(${this.team}, ${this.slot}, ${this.units})`;
}

class Alliance implements Cmd {
  constructor(readonly type: 'reask' | 'acceptGaps' | 'transferAuthority' | 'abandon') {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const at = m.stage;
    const legal =
      open(m) &&
      {
        reask: at === 'forceGeneration.gapReview' && m.round < scenario.forceGeneration.maxRounds,
        acceptGaps: at === 'forceGeneration.gapReview' && m.criticalGaps === 0,
        transferAuthority: at === 'forceGeneration.toaReady',
        abandon: [
          'mandate.unsc.blocked',
          'mandate.nac.broken',
          'forceGeneration.gapReview',
        ].includes(at),
      }[this.type];
    if (apply(r, { by: `team:${ALLIANCE}`, type: this.type }, legal)) {
      if (this.type === 'reask') {
        m.round++;
        setStage(m, 'forceGeneration.pledging');
      } else if (this.type === 'acceptGaps') setStage(m, 'forceGeneration.toaReady');
      else if (this.type === 'transferAuthority') setStage(m, 'deployment.lift');
      else setStage(m, 'ended.failure');
    }
    sync(m, r);
  }
  toString = (): string => this.type;
}

class Pause implements Cmd {
  constructor(readonly resume: boolean) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const legal = !ended(m) && m.stage !== 'setup' && m.paused === this.resume;
    if (apply(r, { by: 'facilitator', type: this.resume ? 'resume' : 'pause' }, legal))
      m.paused = !this.resume;
    sync(m, r);
  }
  toString = (): string => (this.resume ? 'resume' : 'pause');
}

/** Save the session as JSON and carry on from the restored copy: nothing may change. */
class SaveRestore implements Cmd {
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const hash = hashState(r.state);
    r.state = JSON.parse(JSON.stringify(r.state)) as SessionState;
    expect(hashState(r.state)).toBe(hash);
    sync(m, r);
  }
  toString = (): string => 'save+restore';
}

/** The clock: the end-of-turn business of the current phase, then the next turn. */
class Advance implements Cmd {
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const legal = open(m);
    if (!apply(r, { by: 'system', type: 'advance' }, legal)) return sync(m, r);
    const s = r.state;
    const closes = m.turn > m.phaseSince;
    const at = m.stage;
    if (closes && at === 'mandate.unsc.voting') {
      const vote = s.public.mandate.votes.at(-1)!;
      expect(vote.draft).toBe(m.drafts);
      for (const b of vote.ballot) {
        const team = unsc.members.find((x) => x.id === b.member)?.team;
        // A seat played by humans votes as they voted, or abstains.
        if (team !== undefined && !m.voted.has(team)) expect(b.vote).toBe('abstain');
      }
      const yes = vote.ballot.filter((b) => b.vote === 'yes').length;
      const veto = vote.ballot.some((b) => b.permanent && b.vote === 'no');
      expect(vote.adopted).toBe(yes >= 9 && !veto); // Art. 27(3)
      exercised.add(vote.adopted ? 'vote adopted' : 'vote failed');
      m.voted.clear();
      setStage(
        m,
        vote.adopted
          ? 'mandate.nac.drafting'
          : m.drafts < unsc.maxDrafts
            ? 'mandate.unsc.drafting'
            : 'mandate.unsc.blocked',
      );
    } else if (closes && at === 'mandate.nac.silence' && m.turn >= m.deadline) {
      exercised.add('silence held');
      setStage(m, 'mandate.national');
      for (const n of NATIONS) m.approvals[n.id] = 'pending';
    } else if (closes && at === 'mandate.national') {
      const decided = Object.values(m.approvals).every((a) => a !== 'pending');
      if (decided) {
        const any = Object.values(m.approvals).includes('approved');
        exercised.add(any ? 'approved' : 'no approval');
        setStage(m, any ? 'forceGeneration.pledging' : 'ended.failure');
        if (any) m.round = 1;
      }
    } else if (closes && at === 'forceGeneration.pledging') {
      m.gaps = 0;
      m.criticalGaps = 0;
      for (const slot of scenario.forceGeneration.cjsor) {
        const gap = Math.max(0, slot.required - (m.fill[slot.id] ?? 0));
        m.gaps += gap;
        if (slot.critical && gap > 0) m.criticalGaps++;
      }
      setStage(m, m.gaps === 0 ? 'forceGeneration.toaReady' : 'forceGeneration.gapReview');
      exercised.add(m.gaps === 0 ? 'round filled' : 'round with gaps');
    } else if (closes && (at === 'deployment.lift' || at === 'deployment.ioc')) {
      const u = s.public.units;
      expect(u.atHome + u.arrived + u.deployed).toBe(u.total);
      expect(u.deployed).toBeGreaterThanOrEqual(m.deployed);
      m.deployed = u.deployed;
      const fraction = u.total === 0 ? 1 : u.deployed / u.total;
      let next = at;
      if (next === 'deployment.lift' && fraction >= scenario.deployment.iocFraction)
        next = 'deployment.ioc';
      if (next === 'deployment.ioc' && u.deployed === u.total) next = 'deployment.operations';
      exercised.add(`lift: ${next}`);
      setStage(m, next);
    }
    if (m.turn >= scenario.clock.maxTurns && !ended(m)) {
      exercised.add('timeout');
      const inOps = m.stage === 'deployment.operations' || m.stage === 'deployment.transition';
      setStage(m, inOps ? 'ended.partial' : 'ended.failure');
    } else if (!ended(m)) {
      m.turn++;
      if (
        scenario.endConditions.failure.some((c) => conditionHolds(s, c)) &&
        s.status === 'ended'
      ) {
        // A failure condition (moved by an inject or a roll) ended the exercise.
        setStage(m, 'ended.failure');
      } else if (m.stage === 'deployment.operations' && s.stage === 'deployment.transition') {
        expect(s.public.successStreak).toBeGreaterThanOrEqual(
          scenario.endConditions.success.forTurns,
        );
        setStage(m, 'deployment.transition');
      } else if (
        m.stage === 'deployment.transition' &&
        m.turn - m.phaseSince >= scenario.deployment.transitionTurns
      ) {
        setStage(m, 'deployment.redeployment');
      } else if (
        m.stage === 'deployment.redeployment' &&
        m.turn - m.phaseSince >= scenario.deployment.redeploymentTurns
      ) {
        setStage(m, 'ended.success');
      }
    }
    if (ended(m)) m.turn = s.turn;
    sync(m, r);
  }
  toString = (): string => 'advance';
}

const teamIds = scenario.teams.map((t) => t.id);
const nationIds = NATIONS.map((t) => t.id);
/** Mostly the teams a command is meant for, sometimes any team (to be refused). */
const mostly = (likely: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...likely) },
    { weight: 1, arbitrary: fc.constantFrom(...teamIds) },
  );
const seats = unsc.members.flatMap((x) => (x.team === undefined ? [] : [x.team]));
const natoNations = NATIONS.filter((t) => t.nato).map((t) => t.id);
const draft = fc
  .tuple(mostly(unsc.penholders), fc.constantFrom('VI' as const, 'VII' as const))
  .map(([t, c]): Cmd => new Draft(t, c));
const vote = fc
  .tuple(
    mostly(seats),
    fc.constantFrom('yes' as const, 'yes' as const, 'no' as const, 'abstain' as const),
  )
  .map(([t, v]): Cmd => new Vote(t, v));
const decide = fc
  .tuple(
    mostly(nationIds),
    fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
  )
  .map(([t, a]): Cmd => new Decide(t, a));
const pledge = fc
  .tuple(
    mostly(nationIds),
    fc.constantFrom(...scenario.forceGeneration.cjsor.map((s) => s.id)),
    fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: 3 })),
  )
  .map(([t, s, u]): Cmd => new Pledge(t, s, u));
const alliance = fc
  .constantFrom(
    'reask' as const,
    'acceptGaps' as const,
    'transferAuthority' as const,
    'abandon' as const,
  )
  .map((t): Cmd => new Alliance(t));
const control = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Cmd>(new Pause(false)) },
  { weight: 3, arbitrary: fc.constant<Cmd>(new Pause(true)) },
  { weight: 2, arbitrary: fc.constant<Cmd>(new SaveRestore()) },
);
/** The command mix (an entry listed twice is drawn twice as often). */
const commands = [
  fc.constant<Cmd>(new Advance()),
  draft,
  vote,
  mostly([ALLIANCE]).map((t): Cmd => new Circulate(t)),
  mostly(natoNations).map((t): Cmd => new BreakSilence(t)),
  decide,
  pledge,
  pledge,
  alliance,
  alliance,
  control,
];

/** Where a test starts: the default policies play until the exercise gets there. */
const STARTS = [
  'mandate.unsc.drafting',
  'mandate.unsc.voting',
  'mandate.nac',
  'mandate.national',
  'forceGeneration.pledging',
  'forceGeneration.gapReview',
  'forceGeneration.toaReady',
  'deployment.lift',
  'deployment.operations',
];

/** A session played by the default policies up to `stage` (or its end), then handed to humans. */
function startingPoint(seed: string, stage: string): SessionState {
  let s = createSession(scenario, seed);
  const go = (c: Command): void => {
    const r = step(s, c);
    if (r.ok) s = r.state;
  };
  go({ by: 'system', type: 'start' });
  while (s.status === 'running' && !s.stage.startsWith(stage))
    go({ by: 'system', type: 'advance' });
  for (const id of teamIds) go({ by: 'facilitator', type: 'setControl', team: id, mode: 'human' });
  return s;
}

/** Rules of the model every test run must have put to the test (accepted and refused). */
const RULES = [
  ...['draftResolution', 'castVote', 'circulate', 'breakSilence', 'nationalDecision'],
  ...['pledge', 'reask', 'acceptGaps', 'transferAuthority', 'abandon', 'advance'],
  ...['pause', 'resume'],
];
/** End-of-turn outcomes it must have seen. (A round filled by humans, or national approval
 * by humans, is rarer: checked whenever it occurs.) */
const OUTCOMES = [
  'vote adopted',
  'vote failed',
  'silence held',
  'round with gaps',
  'lift: deployment.lift',
  'lift: deployment.operations',
  'timeout',
];
const required = [...RULES, ...RULES.map((r) => `${r} refused`), ...OUTCOMES];

describe('model-based: the engine follows a model of each phase', () => {
  it('for random decisions, ticks, pauses and save/restores from every phase', () => {
    const property = fc.property(
      fc.nat({ max: 999 }),
      fc.constantFrom(...STARTS),
      fc.commands(commands, { maxCommands: 60, size: 'max' }),
      (seed, stage, cmds) => {
        const state = startingPoint(String(seed), stage);
        const setup = (): { model: Model; real: Real } => ({
          model: modelOf(state),
          real: { state },
        });
        fc.modelRun(setup, cmds);
      },
    );
    // Batches of runs until every rule has been exercised (rarely more than two).
    for (let batch = 0; batch < 6 && required.some((r) => !exercised.has(r)); batch++) {
      fc.assert(property, { numRuns: 150 });
    }
    expect(required.filter((r) => !exercised.has(r))).toEqual([]);
  });
});
