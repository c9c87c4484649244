/**
 * The events of a session's most recent commands, kept to push them to each role (and to
 * catch up connections that fell behind) without replaying the log.
 *
 * Each command's events are packed into one string: every event's JSON (made once however
 * many roles see it) behind its audience. A thousand commands per session kept as event
 * objects made most of the session thread's heap, and of the collector's marking work; the
 * tail keeps the packed strings' bytes outside the heap altogether (see `EventTail`). JSON
 * escapes every control character, so two of them can separate the parts.
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

/** The tails' storage comes in chunks of this size (an event list past it is kept as a string). */
const CHUNK = 16 * 1024;
/** Chunks trimmed tails gave back, used again before any is allocated (at most `MAX_SPARE`). */
const spare: Buffer[] = [];
const MAX_SPARE = 1024;

/**
 * At least the last `keep` commands' events (trimmed in halves, not one by one), as UTF-8 in
 * fixed-size chunks outside the JavaScript heap. As strings, they were half of what the session
 * thread's collector promoted under load (a session runs a hundred commands a second there, so
 * even a short tail keeps each past two scavenges), and so half of what brought on its full
 * collections; chunks are neither promoted nor marked. They are reused rather than allocated
 * (a buffer grown by copies made enough garbage outside the heap for V8 to start full
 * collections over it). `get` decodes a command's events again, a string that dies young.
 *
 * Each command's bytes lie within one chunk, at a position counted from the start of the
 * first chunk the tail ever had (`base` is where `chunks[0]` begins).
 */
export class EventTail {
  private chunks: Buffer[] = [];
  private base = 0;
  /** Where each command's events begin and end (positions as above). */
  private begins: number[] = [];
  private ends: number[] = [];
  /** The events of commands too large for a chunk, by seq. */
  private large = new Map<number, PackedEvents>();
  /** The seq of the first command held. */
  private first = 1;

  constructor(private readonly keep: number) {}

  /** The first seq held. */
  get start(): number {
    return this.first;
  }

  push(packed: PackedEvents): void {
    const seq = this.first + this.ends.length;
    let at = this.ends.at(-1) ?? this.base;
    const size = Buffer.byteLength(packed, 'utf8');
    if (size > CHUNK) {
      this.large.set(seq, packed);
      this.begins.push(at);
      this.ends.push(at);
    } else {
      if ((at % CHUNK) + size > CHUNK) at += CHUNK - (at % CHUNK); // on to the next chunk
      const index = Math.floor((at - this.base) / CHUNK);
      const chunk = this.chunks[index] ?? this.addChunk();
      chunk.write(packed, at % CHUNK, 'utf8');
      this.begins.push(at);
      this.ends.push(at + size);
    }
    if (this.ends.length > 2 * this.keep) this.trim(this.ends.length - this.keep);
  }

  /** Starts the tail after `seq` (the commands before were not kept). */
  skipTo(seq: number): void {
    this.trim(this.ends.length);
    this.first = seq + 1;
  }

  /** The events of `seq`; undefined when not held. */
  get(seq: number): PackedEvents | undefined {
    const i = seq - this.first;
    const begin = this.begins[i];
    const end = this.ends[i];
    if (i < 0 || begin === undefined || end === undefined) return undefined;
    if (begin === end) return this.large.get(seq) ?? '';
    const chunk = this.chunks[Math.floor((begin - this.base) / CHUNK)];
    return chunk?.toString('utf8', begin % CHUNK, (begin % CHUNK) + (end - begin));
  }

  private addChunk(): Buffer {
    const chunk = spare.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
    this.chunks.push(chunk);
    return chunk;
  }

  /** Drops the first `drop` commands, and gives back the chunks that held only them. */
  private trim(drop: number): void {
    const kept = this.begins[drop];
    const whole = kept === undefined ? this.chunks.length : Math.floor((kept - this.base) / CHUNK);
    const freed = this.chunks.splice(0, whole);
    spare.push(...freed.slice(0, MAX_SPARE - spare.length));
    this.base += whole * CHUNK;
    if (this.large.size > 0) {
      for (let seq = this.first; seq < this.first + drop; seq++) this.large.delete(seq);
    }
    this.begins = this.begins.slice(drop);
    this.ends = this.ends.slice(drop);
    this.first += drop;
  }
}
