/**
 * Recovery on open: replays the journals a crash left into the session logs, then deletes them.
 *
 * For each session the journals name, its log is cut after the records a checkpoint made
 * durable and completed from the journal (server/journal-merge.ts), then fdatasync'd. A
 * session that cannot be recovered that way (a damaged journal line that may have held one of
 * its records, records missing before the journal resumes, no log at all) is left as it is,
 * and the journal lines naming it are kept next to its log in `<id>.unapplied.jsonl`, whose
 * first line says why: the store refuses to load such a session, so the server quarantines
 * it (moving that file along) with the reason in its log line, and the others run.
 *
 * Running it again after a crash in the middle does the same again: nothing is deleted before
 * everything it holds is durable elsewhere.
 */
import { readFile, unlink } from 'node:fs/promises';
import { scanJournals, type SessionJournal } from './journal-file.js';
import { mergeLog } from './journal-merge.js';
import { errCode, rewriteTail, syncDir, writeDurable } from './raw-fs.js';

export interface RecoveryPaths {
  readonly journalDir: string;
  readonly sessionsDir: string;
  logPath(id: string): string;
  unappliedPath(id: string): string;
}

/** Replays and deletes the journals; resolves to what was repaired, by session. */
export async function recoverJournals(paths: RecoveryPaths): Promise<Map<string, string>> {
  const scan = await scanJournals(paths.journalDir);
  const repairs = new Map<string, string>();
  let setAside = false;
  for (const [id, journal] of scan.sessions) {
    const outcome = await replay(paths.logPath(id), journal);
    if (outcome.ok) {
      if (outcome.note !== undefined) repairs.set(id, outcome.note);
      continue;
    }
    const reason = `${outcome.reason}; the journal's lines for it are kept in ${id}.unapplied.jsonl`;
    const text = [JSON.stringify({ unapplied: reason }), ...journal.lines].join('\n');
    await writeDurable(paths.unappliedPath(id), `${text}\n`, 'w');
    setAside = true;
  }
  if (setAside) await syncDir(paths.sessionsDir);
  for (const file of scan.files) await unlink(file);
  if (scan.files.length > 0) await syncDir(paths.journalDir);
  return repairs;
}

async function replay(
  logPath: string,
  journal: SessionJournal,
): Promise<{ ok: true; note?: string } | { ok: false; reason: string }> {
  if (journal.damaged !== undefined) return { ok: false, reason: journal.damaged };
  let log: Buffer;
  try {
    log = await readFile(logPath);
  } catch (err) {
    if (errCode(err) !== 'ENOENT') throw err;
    return {
      ok: false,
      reason: `its command log is missing, but the journal holds ${journal.records.length} record(s) for it`,
    };
  }
  const merge = mergeLog(log, journal);
  if (!merge.ok) return merge;
  // Even an unchanged log is fsync'd: its copy of the journal may still be in the page cache.
  await rewriteTail(logPath, merge.keep, merge.append);
  return merge.note === undefined ? { ok: true } : { ok: true, note: merge.note };
}

/** Why a session's journal records could not be applied, if recovery set them aside. */
export async function unappliedReason(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errCode(err) === 'ENOENT') return undefined;
    throw err;
  }
  const first = text.slice(0, text.indexOf('\n'));
  try {
    const v = JSON.parse(first) as { unapplied?: unknown };
    if (typeof v.unapplied === 'string') return v.unapplied;
  } catch {
    // fall through: the file is there, so the session is not whole either way
  }
  return `its journal records could not be applied (see ${path})`;
}
