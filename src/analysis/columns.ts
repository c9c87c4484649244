/**
 * The runs of one chunk in columns: a few typed arrays per field instead of an object per run.
 * A worker posts them back with their buffers in the transfer list, so nothing is copied, and
 * the main thread aggregates them in place (see aggregate.ts) without building 10,000 objects
 * or keeping them alive for the garbage collector. Run j of a chunk is run `from + j`; its seed
 * is not stored (seedFor derives it).
 */
import { PHASES, type MeasuredPhase, type RunRecord } from './runner.js';

/** Result codes of the `result` column. */
export const RESULT_CODES = ['success', 'partial', 'failure', 'unfinished'] as const;
export type RunResult = (typeof RESULT_CODES)[number];

export interface RunColumns {
  /** Index of the chunk's first run. */
  readonly from: number;
  /** Runs in the chunk. */
  readonly count: number;
  /** Factor values per run (the order of `Object.keys(scenario.factors)`). */
  readonly factorWidth: number;
  /** Inject counts per run (the order of `scenario.events`; 0 without detail). */
  readonly firedWidth: number;
  /** The chunk's reasons and features, each once (the string columns index it). */
  readonly strings: readonly string[];
  /** Index in RESULT_CODES. */
  readonly result: Uint8Array<ArrayBuffer>;
  readonly reason: Uint32Array<ArrayBuffer>;
  readonly endTurn: Int32Array<ArrayBuffer>;
  readonly rejected: Uint32Array<ArrayBuffer>;
  /** End factors, run-major: count × factorWidth. */
  readonly factors: Float64Array<ArrayBuffer>;
  /** Turn each phase was first entered, run-major: count × PHASES.length (−1: never). */
  readonly phases: Int32Array<ArrayBuffer>;
  /** Times each inject fired, run-major: count × firedWidth. */
  readonly fired: Uint32Array<ArrayBuffer>;
  /**
   * The variable-length fields, flat: run j's items are `[at[j], at[j + 1])` of the values,
   * with `at` of length count + 1. Resolutions are the record's triples; features index strings.
   */
  readonly resolutionsAt: Uint32Array<ArrayBuffer>;
  readonly resolutions: Float64Array<ArrayBuffer>;
  readonly featuresAt: Uint32Array<ArrayBuffer>;
  readonly features: Uint32Array<ArrayBuffer>;
  readonly historyAt: Uint32Array<ArrayBuffer>;
  readonly history: Float64Array<ArrayBuffer>;
}

const RESULT_INDEX = new Map<string, number>(RESULT_CODES.map((r, i) => [r, i]));

/** The records of runs from, from + 1, … (one variant: all of the same shape) in columns. */
export function toColumns(from: number, records: readonly RunRecord[]): RunColumns {
  const count = records.length;
  const factorWidth = records[0]?.factors.length ?? 0;
  const firedWidth = records[0]?.fired.length ?? 0;
  const P = PHASES.length;
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const stringOf = (s: string): number => {
    let k = stringIndex.get(s);
    if (k === undefined) {
      k = strings.push(s) - 1;
      stringIndex.set(s, k);
    }
    return k;
  };
  const sizes = { resolutions: 0, features: 0, history: 0 };
  for (const r of records) {
    if (r.factors.length !== factorWidth || r.fired.length !== firedWidth)
      throw new Error(`run ${r.index}: its record has another shape than its chunk's`);
    sizes.resolutions += r.resolutions.length;
    sizes.features += r.features.length;
    sizes.history += r.history.length;
  }
  const c = {
    from,
    count,
    factorWidth,
    firedWidth,
    strings,
    result: new Uint8Array(count),
    reason: new Uint32Array(count),
    endTurn: new Int32Array(count),
    rejected: new Uint32Array(count),
    factors: new Float64Array(count * factorWidth),
    phases: new Int32Array(count * P),
    fired: new Uint32Array(count * firedWidth),
    resolutionsAt: new Uint32Array(count + 1),
    resolutions: new Float64Array(sizes.resolutions),
    featuresAt: new Uint32Array(count + 1),
    features: new Uint32Array(sizes.features),
    historyAt: new Uint32Array(count + 1),
    history: new Float64Array(sizes.history),
  } satisfies RunColumns;
  records.forEach((r, j) => {
    c.result[j] = RESULT_INDEX.get(r.result) ?? 0;
    c.reason[j] = stringOf(r.reason);
    c.endTurn[j] = r.endTurn;
    c.rejected[j] = r.rejected;
    c.factors.set(r.factors, j * factorWidth);
    PHASES.forEach((phase, k) => (c.phases[j * P + k] = r.phases[phase] ?? -1));
    c.fired.set(r.fired, j * firedWidth);
    const at = (column: Uint32Array, length: number): number => {
      const start = column[j] ?? 0;
      column[j + 1] = start + length;
      return start;
    };
    c.resolutions.set(r.resolutions, at(c.resolutionsAt, r.resolutions.length));
    c.features.set(r.features.map(stringOf), at(c.featuresAt, r.features.length));
    c.history.set(r.history, at(c.historyAt, r.history.length));
  });
  return c;
}

/** The buffers to transfer when posting columns to another thread. */
export function transferList(c: RunColumns): ArrayBuffer[] {
  return [
    c.result,
    c.reason,
    c.endTurn,
    c.rejected,
    c.factors,
    c.phases,
    c.fired,
    c.resolutionsAt,
    c.resolutions,
    c.featuresAt,
    c.features,
    c.historyAt,
    c.history,
  ].map((a) => a.buffer);
}

/** Run j of the chunk as a record (for library users and tests; the batch never needs one). */
export function recordOf(c: RunColumns, j: number, seed: string): RunRecord {
  const P = PHASES.length;
  const phases: Partial<Record<MeasuredPhase, number>> = {};
  PHASES.forEach((phase, k) => {
    const t = c.phases[j * P + k] ?? -1;
    if (t >= 0) phases[phase] = t;
  });
  const slice = (at: Uint32Array, values: Float64Array | Uint32Array): number[] =>
    Array.from(values.subarray(at[j] ?? 0, at[j + 1] ?? 0));
  return {
    index: c.from + j,
    seed,
    result: RESULT_CODES[c.result[j] ?? 0] ?? 'unfinished',
    reason: c.strings[c.reason[j] ?? 0] ?? '',
    endTurn: c.endTurn[j] ?? 0,
    factors: Array.from(c.factors.subarray(j * c.factorWidth, (j + 1) * c.factorWidth)),
    phases,
    fired: Array.from(c.fired.subarray(j * c.firedWidth, (j + 1) * c.firedWidth)),
    resolutions: slice(c.resolutionsAt, c.resolutions),
    features: slice(c.featuresAt, c.features).map((k) => c.strings[k] ?? ''),
    rejected: c.rejected[j] ?? 0,
    history: slice(c.historyAt, c.history),
  };
}
