/**
 * How a session's log and the journal's records for it fit together (pure; no I/O).
 *
 * With f the first seq the journal holds for the session, the log's records before f were
 * made durable by a checkpoint, so they must be there, whole and in order; if they are not,
 * acknowledged records are lost and the session cannot be trusted. What follows them is an
 * unsynced copy of journal records, which a crash may have torn, cut short or never written:
 * the part that matches the journal is kept, the rest is replaced by the journal's records.
 */
import { firstSeq, type SessionJournal } from './journal-file.js';
import { parseLine, placeOf } from './log-lines.js';

export type Merge =
  /** Keep the first `keep` bytes of the log, then append `append`. */
  | { readonly ok: true; readonly keep: number; readonly append: string; readonly note?: string }
  | { readonly ok: false; readonly reason: string };

export function mergeLog(log: Buffer, journal: SessionJournal): Merge {
  const f = firstSeq(journal);
  const headerEnd = log.indexOf(0x0a);
  if (headerEnd < 0) return { ok: false, reason: 'its command log has no complete header line' };
  let pos = headerEnd + 1;
  for (let seq = 1; seq < f; seq++) {
    const end = log.indexOf(0x0a, pos);
    const place = end < 0 ? undefined : placeOf(parseLine(log.toString('utf8', pos, end)));
    if (place?.kind !== 'command' || place.seq !== seq) {
      const what =
        pos === log.length
          ? `its command log ends at seq ${seq - 1}`
          : `its command log line ${seq + 1} is damaged`;
      return {
        ok: false,
        reason: `${what}, but the journal resumes at seq ${f}: records a checkpoint made durable are missing`,
      };
    }
    pos = end + 1;
  }
  let matched = 0;
  for (const record of journal.records) {
    const line = Buffer.from(`${record}\n`, 'utf8');
    if (!log.subarray(pos, pos + line.length).equals(line)) break;
    pos += line.length;
    matched++;
  }
  const rest = log.subarray(pos);
  const missing = journal.records.slice(matched);
  const notes: string[] = [];
  const next = missing[0] === undefined ? undefined : Buffer.from(`${missing[0]}\n`, 'utf8');
  const tornCopy =
    next !== undefined && rest.length < next.length && next.subarray(0, rest.length).equals(rest);
  if (rest.length > 0 && !tornCopy) {
    notes.push(
      rest.includes(0x0a)
        ? `replaced ${rest.length} bytes that differed from the journal`
        : `dropped a torn last line (${rest.length} bytes, never acknowledged)`,
    );
  }
  if (missing.length > 0) notes.push(`restored ${missing.length} record(s) from the journal`);
  return {
    ok: true,
    keep: pos,
    append: missing.map((r) => `${r}\n`).join(''),
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
  };
}
