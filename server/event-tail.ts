/**
 * The events of a session's most recent commands, kept to push them to each role (and to
 * catch up connections that fell behind) without replaying the log.
 *
 * Each command's events are kept as one string: every event's JSON (made once however many
 * roles see it) behind its audience. A thousand commands per session kept as event objects
 * made most of the session thread's heap, and of the collector's marking work; one string per
 * command is one object, which the collector does not look into. JSON escapes every control
 * character, so two of them can separate the parts.
 */
import type { Audience, EngineEvent, Role } from '../engine/index.js';

const EVENT = '\u0001';
const AUDIENCE = '\u0000';

/** One command's events, packed. */
export type PackedEvents = string;

/** `all`, `control`, or `@` and the teams (ids have no commas; a team may be called `all`). */
const audienceKey = (a: Audience): string => (typeof a === 'string' ? a : `@${a.join(',')}`);

export function packEvents(events: readonly EngineEvent[]): PackedEvents {
  return events.map((e) => `${audienceKey(e.audience)}${AUDIENCE}${JSON.stringify(e)}`).join(EVENT);
}

/**
 * The JSON array of the events `role` may see, as `eventsFor` chooses them. Read in place:
 * a frame is built for every role of every command, so no array or string per event.
 */
export function eventsJson(packed: PackedEvents, role: Role): string {
  const team = role.startsWith('team:') ? role.slice(5) : undefined;
  let out = '';
  for (let at = 0; at < packed.length;) {
    const cut = packed.indexOf(AUDIENCE, at);
    let end = packed.indexOf(EVENT, cut);
    if (end < 0) end = packed.length;
    if (role === 'facilitator' || sees(packed, at, cut, team)) {
      out += (out === '' ? '' : ',') + packed.slice(cut + 1, end);
    }
    at = end + 1;
  }
  return `[${out}]`;
}

/** Whether the audience key `packed[from, to)` includes everyone, or `team`. */
function sees(packed: string, from: number, to: number, team: string | undefined): boolean {
  if (packed.startsWith('all', from)) return true; // no other key starts so: lists start with @
  if (team === undefined || packed.charCodeAt(from) !== 64 /* @: a list of teams */) return false;
  for (let i = from + 1; i <= to;) {
    let j = packed.indexOf(',', i);
    if (j < 0 || j > to) j = to;
    if (j - i === team.length && packed.startsWith(team, i)) return true;
    i = j + 1;
  }
  return false;
}

/** At least the last `keep` commands' events (trimmed in halves, not one by one). */
export class EventTail {
  private items: PackedEvents[] = [];
  /** The seq of `items[0]`. */
  private first = 1;

  constructor(private readonly keep: number) {}

  /** The first seq held. */
  get start(): number {
    return this.first;
  }

  push(packed: PackedEvents): void {
    this.items.push(packed);
    if (this.items.length > 2 * this.keep) {
      const drop = this.items.length - this.keep;
      this.items = this.items.slice(drop);
      this.first += drop;
    }
  }

  /** Starts the tail after `seq` (the commands before were not kept). */
  skipTo(seq: number): void {
    this.items = [];
    this.first = seq + 1;
  }

  /** The events of `seq`; undefined when not held. */
  get(seq: number): PackedEvents | undefined {
    return this.items[seq - this.first];
  }
}
