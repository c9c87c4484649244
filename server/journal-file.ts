/**
 * The journal's files: `<data>/journal/<n>.wal`, one line per log record of any session,
 *
 *   {"s":"<session id>","r":<the record, the very JSON of its line in the session's log>}
 *
 * and reading them back. A file's records end at its first zero byte (the journal writes them
 * over zeros written ahead; JSON text holds none): what follows is zeros, or part of the last
 * write, cut off. Only the last line can be torn (its write was cut off, so nothing in it was
 * acknowledged): it is dropped. A damaged line anywhere else may have held
 * an acknowledged record, so the session it names (or, if it names none, every session of that
 * file) is marked damaged rather than silently replayed without it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseLine, placeOf, type LinePlace } from './log-lines.js';
import { errCode } from './raw-fs.js';

export const journalName = (n: number): string => `${n}.wal`;

/** The journal line of one record (`record` is its JSON, as written to the session's log). */
export const journalLine = (id: string, record: string): string => `{"s":"${id}","r":${record}}\n`;

const ENTRY = /^\{"s":"([A-Za-z0-9_-]{8,64})","r":/;

/** The numbers of the journal files in `dir`, oldest first. */
export async function journalNumbers(dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (errCode(err) === 'ENOENT') return [];
    throw err;
  }
  return names
    .map((name) => /^(\d+)\.wal$/.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** What the journals hold for one session. */
export interface SessionJournal {
  /** Its record lines (as in its log, without the newline), oldest first. */
  readonly records: string[];
  readonly places: LinePlace[];
  /** Every journal line naming it, damaged ones included (kept if it cannot be recovered). */
  readonly lines: string[];
  /** Why its journal records cannot be trusted, if they cannot. */
  damaged: string | undefined;
}

export interface JournalScan {
  /** The journal files read, oldest first. */
  readonly files: readonly string[];
  readonly sessions: ReadonlyMap<string, SessionJournal>;
}

/** The seq of the first record the journal holds for a session (its end line comes after seq). */
export function firstSeq(journal: SessionJournal): number {
  const first = journal.places[0];
  if (!first) return Infinity;
  return first.kind === 'command' ? first.seq : first.seq + 1;
}

/** Reads every journal file in `dir`, oldest first (one deleted meanwhile is skipped). */
export async function scanJournals(dir: string): Promise<JournalScan> {
  const files: string[] = [];
  const sessions = new Map<string, SessionJournal>();
  const of = (id: string): SessionJournal => {
    let s = sessions.get(id);
    if (!s) {
      s = { records: [], places: [], lines: [], damaged: undefined };
      sessions.set(id, s);
    }
    return s;
  };
  for (const n of await journalNumbers(dir)) {
    const path = join(dir, journalName(n));
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if (errCode(err) === 'ENOENT') continue; // checkpointed since the listing
      throw err;
    }
    files.push(path);
    const end = text.indexOf('\0');
    if (end >= 0) text = text.slice(0, end);
    const complete = text.endsWith('\n');
    const lines = text.split('\n');
    if (complete) lines.pop();
    const named = new Set<string>();
    let anonymous: number | undefined;
    for (const [i, line] of lines.entries()) {
      const last = i === lines.length - 1;
      const entry = parseEntry(line);
      if (entry && (complete || !last)) {
        const s = of(entry.id);
        s.records.push(entry.record);
        s.places.push(entry.place);
        s.lines.push(line);
        named.add(entry.id);
        continue;
      }
      if (last) break; // torn: never acknowledged
      const where = `journal ${journalName(n)} line ${i + 1} is damaged`;
      const id = ENTRY.exec(line)?.[1];
      if (id === undefined) {
        anonymous ??= i + 1;
        continue;
      }
      const s = of(id);
      s.lines.push(line);
      s.damaged ??= `${where}: an acknowledged command of this session may be lost`;
      named.add(id);
    }
    if (anonymous !== undefined) {
      for (const id of named) {
        of(id).damaged ??=
          `journal ${journalName(n)} line ${anonymous} is damaged and names no session: ` +
          'an acknowledged command of this session may be lost';
      }
    }
  }
  for (const s of sessions.values()) s.damaged ??= gap(s.places);
  return { files, sessions };
}

function parseEntry(line: string): { id: string; record: string; place: LinePlace } | undefined {
  const m = ENTRY.exec(line);
  if (!m?.[1] || !line.endsWith('}')) return undefined;
  const record = line.slice(m[0].length, -1);
  const place = placeOf(parseLine(record));
  return place ? { id: m[1], record, place } : undefined;
}

/** A session's journal records run on from seq to seq, and nothing follows its end line. */
function gap(places: readonly LinePlace[]): string | undefined {
  let last: number | undefined;
  let ended = false;
  for (const p of places) {
    const expected = p.kind === 'command' ? (last ?? p.seq - 1) + 1 : (last ?? p.seq);
    if (ended || p.seq !== expected) {
      return `the journal's records of this session are not consecutive (${p.kind} ${p.seq} after seq ${last ?? '?'})`;
    }
    last = p.seq;
    ended = p.kind === 'end';
  }
  return undefined;
}
