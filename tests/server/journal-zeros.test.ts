/**
 * The journal writes its records over zeros it wrote ahead of them, in the background: a
 * record's write must never meet zeros still being written (they would land over it), and the
 * records must run on without a gap, so that a file is its records, then zeros only, and
 * recovery (which reads up to the first zero byte) finds every one of them.
 */
import { fc, test } from '@fast-check/vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import {
  journalLine,
  journalName,
  journalNumbers,
  scanJournals,
} from '../../server/journal-file.js';
import { Journal } from '../../server/journal.js';
import { tempDir } from './helpers.js';

const SESSIONS = ['session-00', 'session-01', 'session-02'];

/** A command record whose line is about `pad` bytes longer than the shortest. */
const record = (seq: number, pad: number): string =>
  JSON.stringify({
    seq,
    command: { by: 'facilitator', type: 'ruling', reason: 'r'.repeat(pad) },
    id: `c${seq}`,
  });

describe('zeros ahead of the journal records', () => {
  test.prop(
    [
      fc.integer({ min: 16, max: 2048 }), // how far ahead zeros are written
      fc.integer({ min: 256, max: 16_384 }), // the size past which a new file begins
      fc.array(
        fc.array(
          fc.record({
            session: fc.integer({ min: 0, max: SESSIONS.length - 1 }),
            pad: fc.integer({ min: 0, max: 700 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        { minLength: 1, maxLength: 15 },
      ),
    ],
    { numRuns: 25 },
  )(
    'every file is its records, then zeros; together they are every record, in order',
    async (zeroAheadBytes, maxBytes, batches) => {
      const dir = tempDir('ttx-journal-zeros-');
      // Checkpoints wait for the end of the test, so that no file is deleted before it is read.
      let release = (): void => undefined;
      const checkpointsMayRun = new Promise<void>((resolve) => (release = resolve));
      const journal = new Journal({
        dir,
        first: 1,
        maxBytes,
        zeroAheadBytes,
        durable: () => undefined,
        checkpoint: () => checkpointsMayRun,
      });
      try {
        const written: string[] = [];
        const bySession = new Map<string, string[]>();
        const seqs = SESSIONS.map(() => 0);
        for (const batch of batches) {
          // One batch: appends of one turn, which share a write.
          await Promise.all(
            batch.map(({ session, pad }) => {
              const id = SESSIONS[session] ?? '';
              const seq = (seqs[session] = (seqs[session] ?? 0) + 1);
              const rec = record(seq, pad);
              const line = journalLine(id, rec);
              written.push(line);
              const lines = bySession.get(id) ?? [];
              lines.push(rec);
              bySession.set(id, lines);
              return journal.append({ id, lines: '', journal: line });
            }),
          );
        }
        let records = '';
        for (const n of await journalNumbers(dir)) {
          const file = readFileSync(join(dir, journalName(n)));
          const end = file.indexOf(0);
          const length = end < 0 ? file.length : end;
          expect(file.subarray(length).every((b) => b === 0)).toBe(true);
          records += file.subarray(0, length).toString('utf8');
        }
        expect(records).toBe(written.join(''));
        const scan = await scanJournals(dir);
        for (const [id, lines] of bySession) {
          expect(scan.sessions.get(id)?.damaged).toBeUndefined();
          expect(scan.sessions.get(id)?.records).toEqual(lines);
        }
      } finally {
        release();
        await journal.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
