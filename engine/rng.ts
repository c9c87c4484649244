/**
 * The only source of randomness in the engine: seedrandom's Alea, whose state lives in the
 * session state so that a step stays a pure function of (state, command).
 */
import seedrandom from 'seedrandom';

/** Alea's internal state; 4 numbers, JSON-safe. */
export interface RngState {
  readonly c: number;
  readonly s0: number;
  readonly s1: number;
  readonly s2: number;
}

export function seedRng(seed: string): RngState {
  return seedrandom.alea(seed, { state: true }).state();
}

/**
 * The generator of one step, continuing from a state. Seeding is seedrandom's (seedRng); the
 * step itself is Alea's three-line recurrence, written out here because restoring
 * seedrandom's generator re-runs its seeding hash on every step that draws. A test checks
 * that both give the same numbers to the bit.
 */
export class Rng {
  private c: number;
  private s0: number;
  private s1: number;
  private s2: number;
  private draws = 0;

  constructor(start: RngState) {
    this.c = start.c;
    this.s0 = start.s0;
    this.s1 = start.s1;
    this.s2 = start.s2;
  }

  /** A number in [0, 1). */
  next(): number {
    this.draws++;
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10; // 2^-32
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    this.s2 = t - this.c;
    return this.s2;
  }

  /** True if anything was drawn, i.e. the state in the session must be replaced. */
  get used(): boolean {
    return this.draws > 0;
  }

  state(): RngState {
    return { c: this.c, s0: this.s0, s1: this.s1, s2: this.s2 };
  }
}
