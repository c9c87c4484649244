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
import { audienceIncludes, type Audience, type EngineEvent, type Role } from '../engine/index.js';

const EVENT = '\u0001';
const AUDIENCE = '\u0000';

/** One command's events, packed. */
export type PackedEvents = string;

/** `all`, `control`, or `@` and the teams (ids have no commas; a team may be called `all`). */
const audienceKey = (a: Audience): string => (typeof a === 'string' ? a : `@${a.join(',')}`);

function audienceOfKey(key: string): Audience {
  return key === 'all' || key === 'control' ? key : key.slice(1).split(',');
}

export function packEvents(events: readonly EngineEvent[]): PackedEvents {
  return events.map((e) => `${audienceKey(e.audience)}${AUDIENCE}${JSON.stringify(e)}`).join(EVENT);
}

/** The JSON array of the events `role` may see. */
export function eventsJson(packed: PackedEvents, role: Role): string {
  if (packed === '') return '[]';
  const parts: string[] = [];
  for (const item of packed.split(EVENT)) {
    const cut = item.indexOf(AUDIENCE);
    if (audienceIncludes(audienceOfKey(item.slice(0, cut)), role)) parts.push(item.slice(cut + 1));
  }
  return `[${parts.join(',')}]`;
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
