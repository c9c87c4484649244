/**
 * The shapes of a session log's lines (src/log/command-log.ts format), as the store checks them
 * when it reads a log back or replays the journal into one.
 */
import { z } from 'zod';

export const HeaderLine = z.looseObject({
  ttx: z.literal('command-log'),
  format: z.literal(1),
  scenario: z.looseObject({ id: z.string(), hash: z.string(), file: z.string().optional() }),
  seed: z.string(),
  engineVersion: z.string(),
});

export const CommandLine = z.looseObject({
  seq: z.number().int().min(1),
  command: z.unknown(),
  id: z.string().optional(),
  stateHash: z.string().optional(),
});

export const EndLine = z.looseObject({
  end: z.object({ seq: z.number().int().min(0), stateHash: z.string() }),
});

/** A record line's place in its log: a command's seq, or the end line after command `seq`. */
export type LinePlace = { readonly kind: 'command' | 'end'; readonly seq: number };

/** Where a parsed line belongs, or undefined if it is not a record line. */
export function placeOf(value: unknown): LinePlace | undefined {
  const e = EndLine.safeParse(value);
  if (e.success) return { kind: 'end', seq: e.data.end.seq };
  const c = CommandLine.safeParse(value);
  return c.success ? { kind: 'command', seq: c.data.seq } : undefined;
}

/** Parses one line of JSON; undefined if it is not JSON. */
export function parseLine(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
