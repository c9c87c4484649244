/**
 * The session state: plain JSON, partitioned by audience so that views are cheap.
 *
 * - `public`: everyone sees it (factors, phase progress, aggregate CJSOR fill, outcome).
 * - `teams[id]`: that team and the white cell (confidential support, secret vote, pledges).
 * - `force`: contingents; the white cell and the alliance see all, a nation its own.
 * - `injects`: active and fired injects; each is filtered by its scenario visibility.
 * - `control`: the white cell only (PRNG state, UNSC members' positions, who is played by whom).
 */
import type { CaveatName, CapabilityName, Scenario } from './scenario/schema.js';
import type { PersistedMachine } from './machines/drive.js';
import type { Vote } from './machines/mandate.js';
import type { RngState } from './rng.js';

export type TeamIssuer = `team:${string}`;
/** Who issued a command. `system` is the headless runner's clock. */
export type Issuer = 'facilitator' | 'system' | TeamIssuer;
/** Who is looking. */
export type Role = 'facilitator' | 'observer' | TeamIssuer;

export type RoePosture = 'restrictive' | 'balanced' | 'robust';
export type ControlMode = 'human' | 'policy';

export interface Outcome {
  readonly result: 'success' | 'partial' | 'failure';
  readonly reason: string;
  readonly turn: number;
}

export interface VoteRecord {
  readonly draft: number;
  readonly chapter: 'VI' | 'VII';
  readonly ballot: readonly { member: string; permanent: boolean; vote: Vote }[];
  readonly adopted: boolean;
}

export interface PublicState {
  factors: Record<string, number>;
  resources: Record<string, number>;
  /** Factors at the start of each turn, for charts and the after-action report. */
  history: { turn: number; factors: Record<string, number> }[];
  /** Turn at which the current sub-phase began (for handover and redeployment timing). */
  phaseSince: number;
  mandate: {
    chapter: 'VI' | 'VII' | null;
    withoutMandate: boolean;
    votes: VoteRecord[];
    nac: {
      deadline: number | null;
      objections: string[];
      reservations: { team: string; caveat: CaveatName }[];
    };
    approvals: Record<string, 'pending' | 'approved' | 'refused'>;
  };
  /** Units pledged against each CJSOR slot (totals only; who pledged what is confidential). */
  cjsor: Record<string, number>;
  lift: { queue: string[]; capacity: number };
  units: { total: number; atHome: number; arrived: number; deployed: number };
  roe: RoePosture;
  successStreak: number;
}

export interface TeamState {
  support: number;
  control: ControlMode;
  /** Secret until the tally. */
  vote: Vote | null;
  /** Action kinds already used this turn (diplomacy, cimic, shareIntel …). */
  acted: string[];
  caveats: CaveatName[];
  /** Running totals of this nation's contingents (kept so rules need not scan the force). */
  units: {
    pledged: number;
    deployed: number;
    byCapability: Partial<Record<CapabilityName, number>>;
  };
}

export interface Contingent {
  readonly id: string;
  readonly nation: string;
  readonly slot: string;
  readonly capability: CapabilityName;
  readonly units: number;
  readonly caveats: readonly CaveatName[];
  atHome: number;
  arrived: number;
  deployed: number;
  committedTo: string | null;
}

export interface ActiveInject {
  readonly id: string;
  readonly firedTurn: number;
  responders: string[];
}

export interface SessionState {
  readonly format: 1;
  readonly engineVersion: string;
  readonly scenario: Scenario;
  readonly seed: string;
  /** Commands applied so far. */
  seq: number;
  /** 0 before the start; then the current scenario turn. */
  turn: number;
  status: 'setup' | 'running' | 'ended';
  /** Where the machines are, e.g. "mandate.unsc.voting" (see phase.ts stageOf). */
  stage: string;
  paused: boolean;
  outcome: Outcome | null;
  machines: {
    exercise: PersistedMachine;
    mandate: PersistedMachine;
    forceGeneration: PersistedMachine;
    deployment: PersistedMachine;
  };
  public: PublicState;
  teams: Record<string, TeamState>;
  force: { contingents: Record<string, Contingent>; nextId: number };
  injects: { active: Record<string, ActiveInject>; fired: Record<string, number> };
  control: {
    rng: RngState;
    unscSupport: Record<string, number>;
    /** Outcomes the facilitator has imposed on active injects, with the reason. */
    overrides: Record<string, { outcome: 'success' | 'failure'; reason: string }>;
  };
}

/**
 * An empty id-keyed record that will gain keys in an order particular to each run (contingent
 * ids, injects as they fire) and keep them. Made without a prototype, which V8 keeps as a hash table from the
 * start instead of deriving a new hidden class for every key added: a batch adds them
 * thousands of times. JSON, hashes and views see a plain record.
 */
export function dictionary<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * The entry of an id-keyed record, or undefined. Ids arrive from players and files, and a
 * plain `record[id]` would find `constructor` or `toString` on the prototype.
 */
export function own<T>(record: Readonly<Record<string, T>>, id: string): T | undefined {
  return Object.hasOwn(record, id) ? record[id] : undefined;
}
