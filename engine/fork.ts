/**
 * Copy-on-step for the session state. A step mutates a private working copy of the partitions
 * it touches and then freezes what changed; untouched partitions, the entries of `public`,
 * `teams`, the force, the active injects and `control` that it left equal (a partition left
 * equal throughout is the previous one itself), and whatever never changes once written (the
 * scenario, machine snapshots, history entries, vote records) are shared with the previous
 * state.
 *
 * Why not immer drafts: rules read far more than they write, and every read through an immer
 * proxy costs a trap; on this machine a Kosovo run took 22 ms under one `produce` per step
 * and 16 ms on plain copies (see the note on issue 2).
 */
import type { PublicState, SessionState, TeamState } from './state.js';

/** Deep copy of plain JSON data (objects, arrays, primitives). */
function copy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copy) as T;
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = copy((value as Record<string, unknown>)[key]);
  return out as T;
}

type Partition = 'machines' | 'public' | 'teams' | 'force' | 'injects' | 'control';

/**
 * `public`'s working copy, field by field (the generic `copy` walks keys with for-in). The
 * factor history and the vote records are append-only and grow for the whole exercise, so the
 * copy shares them with the base; `appendTo` replaces a shared (frozen) list when a step adds
 * to it.
 */
function copyPublic(p: PublicState): PublicState {
  const { mandate } = p;
  return {
    factors: { ...p.factors },
    resources: { ...p.resources },
    history: p.history,
    phaseSince: p.phaseSince,
    mandate: {
      chapter: mandate.chapter,
      withoutMandate: mandate.withoutMandate,
      votes: mandate.votes,
      nac: copy(mandate.nac),
      approvals: { ...mandate.approvals },
    },
    cjsor: { ...p.cjsor },
    lift: { queue: [...p.lift.queue], capacity: p.lift.capacity },
    units: { ...p.units },
    roe: p.roe,
    successStreak: p.successStreak,
  };
}

/**
 * `control`'s working copy: steps replace the PRNG state whole, and set or delete entries of
 * the two records (numbers, and override objects never changed in place).
 */
function copyControl(c: SessionState['control']): SessionState['control'] {
  return { rng: c.rng, unscSupport: { ...c.unscSupport }, overrides: { ...c.overrides } };
}

/** A team's working copy, field by field. */
function copyTeam(t: TeamState): TeamState {
  return {
    support: t.support,
    control: t.control,
    vote: t.vote,
    acted: [...t.acted],
    caveats: [...t.caveats],
    units: {
      pledged: t.units.pledged,
      deployed: t.units.deployed,
      byCapability: { ...t.units.byCapability },
    },
  };
}

function copyTeams(teams: SessionState['teams']): SessionState['teams'] {
  const out: SessionState['teams'] = {};
  for (const id in teams) out[id] = copyTeam(teams[id] as TeamState);
  return out;
}

/**
 * `public` after a step: as `shareUnchanged`, except that a grown append-only list needs only
 * its new entries frozen (the others are the base's, frozen already).
 */
function sealPublic(work: PublicState, base: PublicState): PublicState {
  freezeAppended(work.history, base.history);
  freezeAppended(work.mandate.votes, base.mandate.votes);
  return shareUnchanged(work, base);
}

function freezeAppended<T>(list: T[], base: readonly T[]): void {
  if (list === base || Object.isFrozen(list)) return;
  for (let i = base.length; i < list.length; i++) deepFreeze(list[i]);
  Object.freeze(list);
}

/**
 * Appends to one of the state's append-only lists (`public.history`, `public.mandate.votes`):
 * in place when the working copy owns it, by a longer copy when it is still the previous
 * state's frozen list.
 */
export function appendTo<T>(list: T[], item: T): T[] {
  if (!Object.isFrozen(list)) {
    list.push(item);
    return list;
  }
  const grown = [...list, item];
  const before = ancestry.get(list) ?? [];
  ancestry.set(grown, [...before.slice(1 - GENERATIONS), numberOf(list)]);
  return grown;
}

/** How many generations back `grewFrom` can see. */
const GENERATIONS = 16;
/** A number for each list that `appendTo` copied (its numbers mean nothing else). */
const listNumbers = new WeakMap<readonly unknown[], number>();
let listsNumbered = 0;
/**
 * Each list `appendTo` grew by a copy: the numbers of the lists it was grown from, the last
 * `GENERATIONS`, nearest last. Numbers, not the lists: a list held as a WeakMap value would
 * stay alive as long as its copy does, and each such entry would hold the one before it. Such
 * chains held every earlier factor history of a session, and they are what a full GC's pause
 * spent most of its time on (ephemeron marking: 25–40 ms of 60–80 in the server).
 */
const ancestry = new WeakMap<readonly unknown[], readonly number[]>();

function numberOf(list: readonly unknown[]): number {
  let n = listNumbers.get(list);
  if (n === undefined) {
    n = listsNumbered++;
    listNumbers.set(list, n);
  }
  return n;
}

/**
 * True when `list` is `prefix` grown by `appendTo` alone, a few generations at most: its first
 * entries are then the very entries of `prefix`, and the server's view diff need not compare
 * them (the factor history grows by one entry a turn, for the whole exercise). Only frozen
 * lists qualify, which no step can change any more.
 */
export function grewFrom(list: readonly unknown[], prefix: readonly unknown[]): boolean {
  if (!Object.isFrozen(list) || !Object.isFrozen(prefix)) return false;
  if (list === prefix) return true;
  const n = listNumbers.get(prefix);
  return n !== undefined && (ancestry.get(list)?.includes(n) ?? false);
}

/**
 * A record partition after a step: each entry the step left equal to the base's is the base's
 * own object again (so the next step, and the server's view diff, see it unchanged at a
 * glance); only changed or new entries are new, and frozen. Within a changed entry, `depth`
 * more levels of records are shared the same way (a team that lobbied keeps its caveats and
 * its units).
 */
function shareUnchanged<T extends object>(work: T, base: T, depth = 0): T {
  const from = base as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let changed = false;
  let keys = 0;
  for (const key in work) {
    const value = (work as Record<string, unknown>)[key];
    keys++;
    if (Object.hasOwn(from, key)) {
      const old = from[key];
      const kept = shareEntry(value, old, depth);
      out[key] = kept;
      if (kept !== old) changed = true;
    } else {
      out[key] = deepFreeze(value);
      changed = true;
    }
  }
  if (changed) return out as T;
  for (const _ in from) keys--;
  return keys === 0 ? base : (out as T); // all equal: the base itself
}

/** `old` when `value` equals it, else `value` frozen, sharing `depth` levels of records. */
function shareEntry(value: unknown, old: unknown, depth: number): unknown {
  if (sameData(value, old)) return old; // before any copy: most entries are unchanged
  if (depth > 0 && isRecord(value) && isRecord(old)) {
    return deepFreeze(shareUnchanged(value, old, depth - 1));
  }
  return deepFreeze(value);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Structural equality of plain data, shortcut by identity (shared parts are the same). */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const key in x) {
    if (!Object.hasOwn(y, key) || !sameData(x[key], y[key])) return false;
    n++;
  }
  for (const _ in y) n--;
  return n === 0;
}

/**
 * How each partition is copied when a step first touches it (wholesale: plain objects keep
 * rules' reads fast), and sealed after the step.
 */
const partitions: {
  readonly [K in Partition]: {
    readonly copy: (v: SessionState[K]) => SessionState[K];
    readonly seal: (work: SessionState[K], base: SessionState[K]) => SessionState[K];
  };
} = {
  machines: { copy: (m) => ({ ...m }), seal: (w) => w },
  public: { copy: copyPublic, seal: sealPublic },
  // Two levels below each team: its fields, and its units' (see copyTeam).
  teams: { copy: copyTeams, seal: (w, b) => shareUnchanged(w, b, 2) },
  force: {
    copy,
    seal: (w, b) => ({
      contingents: shareUnchanged(w.contingents, b.contingents),
      nextId: w.nextId,
    }),
  },
  injects: {
    copy,
    seal: (w, b) => shareUnchanged({ ...w, active: shareUnchanged(w.active, b.active) }, b),
  },
  control: { copy: copyControl, seal: shareUnchanged },
};

/**
 * The working copy a pure step mutates: scalars are own fields, and each partition is copied
 * the first time the step touches it (prototype accessors, which V8 keeps fast). `seal` turns
 * it back into a plain frozen state that shares every untouched partition with its base.
 */
class WorkingState implements SessionState {
  readonly format: 1;
  readonly engineVersion: string;
  readonly scenario: SessionState['scenario'];
  readonly seed: string;
  seq: number;
  turn: number;
  status: SessionState['status'];
  stage: string;
  paused: boolean;
  outcome: SessionState['outcome'];
  readonly #base: SessionState;
  readonly #copies: Partial<Pick<SessionState, Partition>> = {};

  constructor(base: SessionState) {
    this.#base = base;
    this.format = base.format;
    this.engineVersion = base.engineVersion;
    this.scenario = base.scenario;
    this.seed = base.seed;
    this.seq = base.seq;
    this.turn = base.turn;
    this.status = base.status;
    this.stage = base.stage;
    this.paused = base.paused;
    this.outcome = base.outcome;
  }

  #get<K extends Partition>(key: K): SessionState[K] {
    const copied = this.#copies[key];
    if (copied !== undefined) return copied;
    const value = partitions[key].copy(this.#base[key]);
    this.#copies[key] = value;
    return value;
  }

  get machines(): SessionState['machines'] {
    return this.#get('machines');
  }
  set machines(v: SessionState['machines']) {
    this.#copies.machines = v;
  }
  get public(): SessionState['public'] {
    return this.#get('public');
  }
  set public(v: SessionState['public']) {
    this.#copies.public = v;
  }
  get teams(): SessionState['teams'] {
    return this.#get('teams');
  }
  set teams(v: SessionState['teams']) {
    this.#copies.teams = v;
  }
  get force(): SessionState['force'] {
    return this.#get('force');
  }
  set force(v: SessionState['force']) {
    this.#copies.force = v;
  }
  get injects(): SessionState['injects'] {
    return this.#get('injects');
  }
  set injects(v: SessionState['injects']) {
    this.#copies.injects = v;
  }
  get control(): SessionState['control'] {
    return this.#get('control');
  }
  set control(v: SessionState['control']) {
    this.#copies.control = v;
  }

  /** The plain, frozen state: untouched parts are the base's own (frozen) objects. */
  seal(): SessionState {
    const base = this.#base;
    const c = this.#copies;
    const sealed = <K extends Partition>(key: K): SessionState[K] => {
      const work = c[key];
      return work === undefined ? base[key] : partitions[key].seal(work, base[key]);
    };
    return deepFreeze({
      format: this.format,
      engineVersion: this.engineVersion,
      scenario: this.scenario,
      seed: this.seed,
      seq: this.seq,
      turn: this.turn,
      status: this.status,
      stage: this.stage,
      paused: this.paused,
      outcome: this.outcome,
      machines: sealed('machines'),
      public: sealed('public'),
      teams: sealed('teams'),
      force: sealed('force'),
      injects: sealed('injects'),
      control: sealed('control'),
    });
  }
}

/** A working copy of `s` for one pure step; finish it with `seal`. */
export const fork = (s: SessionState): SessionState => new WorkingState(s);

/** A full working copy (every partition copied now), for runners that step in place. */
export function forkAll(s: SessionState): SessionState {
  return {
    ...s,
    machines: { ...s.machines },
    public: copyPublic(s.public),
    teams: copyTeams(s.teams),
    force: copy(s.force),
    injects: copy(s.injects),
    control: copy(s.control),
  };
}

/** Deep-freezes plain data, stopping at parts already frozen (the shared ones). */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (Array.isArray(value)) {
      // By index: for-in enumerates an array's indices as strings, 20 times slower.
      for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
    } else {
      for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
    }
  }
  return value;
}

/** Freezes a working copy made by `fork` once its step is done. */
export function seal(work: SessionState): SessionState {
  if (!(work instanceof WorkingState)) throw new TypeError('seal() takes a state made by fork()');
  return work.seal();
}
