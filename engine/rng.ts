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
 * A generator restored from a state on first use; `state()` hands back the advanced state.
 * Creating one is free, so steps that draw nothing pay nothing.
 */
export class Rng {
  private prng: seedrandom.StatefulPRNG<seedrandom.State.Alea> | null = null;
  private draws = 0;

  constructor(private readonly start: RngState) {}

  /** A number in [0, 1). */
  next(): number {
    this.prng ??= seedrandom.alea('', { state: this.start as seedrandom.State.Alea });
    this.draws++;
    return this.prng();
  }

  /** True if anything was drawn, i.e. the state in the session must be replaced. */
  get used(): boolean {
    return this.draws > 0;
  }

  state(): RngState {
    return this.prng ? this.prng.state() : this.start;
  }
}
