/**
 * What a finished session offers the white cell: its command log (to keep, replay or analyse
 * offline) and its after-action report (src/analysis, as `ttx report` makes it). Both are read
 * from the store once the exercise has ended: no command can then be appended, so reading the
 * log cannot race a write.
 */
import type { LiveSession } from './session.js';
import type { SessionStore, StoredSession } from './store.js';

/** Futures per turn a report may ask for (they run on worker threads). */
export const MAX_REPORT_FUTURES = 500;

/** The stored record of an ended session, once its last writes are durable. */
export async function endedRecord(
  session: LiveSession,
  store: SessionStore,
): Promise<StoredSession> {
  await session.whenIdle();
  return store.load(session.id);
}

/**
 * The command log as a `ttx replay` / `ttx report` file. A bundled scenario's header names no
 * scenario file, so that those commands find the bundled scenario by its id; an uploaded one
 * keeps the name the server stored it under (pass `--scenario` with a copy of it).
 */
export function logText(stored: StoredSession): string {
  const { header } = stored;
  const scenario =
    stored.meta.scenario.source === 'bundled'
      ? { id: header.scenario.id, hash: header.scenario.hash }
      : header.scenario;
  const lines = [JSON.stringify({ ...header, scenario })];
  for (const r of stored.records) lines.push(JSON.stringify(r));
  if (stored.end) lines.push(JSON.stringify({ end: stored.end }));
  return `${lines.join('\n')}\n`;
}

/** The after-action report (HTML or Markdown) of an ended session. */
export async function reportText(
  session: LiveSession,
  stored: StoredSession,
  format: 'html' | 'md',
  futures: number,
): Promise<string> {
  // Loaded on first use: the analysis library is not needed to run exercises.
  const { sessionReport } = await import('../src/analysis/index.js');
  return sessionReport(
    session.scenario,
    stored.meta.seed,
    stored.records.map((r) => r.command),
    { format, log: `session ${session.id}`, futures },
  );
}
