import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ttx } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ttx-cli-'));
const TUTORIAL = 'scenarios/tutorial.yaml';

describe('ttx run', () => {
  it('prints a narrative with explanations and the outcome', async () => {
    const r = await ttx('run', TUTORIAL, '--seed', '7');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Turn 1 · /m);
    expect(r.out).toMatch(/— base \d+%.*roll 0\.\d\d → (success|failure)/);
    expect(r.out).toMatch(/^Outcome: (SUCCESS|PARTIAL|FAILURE) — /m);
    expect(r.err).toBe('');
  });

  it('--json prints one summary object, the same for the same seed', async () => {
    const a = JSON.parse((await ttx('run', TUTORIAL, '--seed', 'x', '--json')).out) as Record<
      string,
      unknown
    >;
    const b = JSON.parse((await ttx('run', TUTORIAL, '--seed', 'x', '--json')).out) as Record<
      string,
      unknown
    >;
    for (const key of ['scenario', 'seed', 'outcome', 'turns', 'factors', 'stateHash'])
      expect(a).toHaveProperty(key);
    expect(a['scenario']).toBe('tutorial');
    expect(a['seed']).toBe('x');
    expect(b['stateHash']).toBe(a['stateHash']);
    expect(a['stateHash']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports an invalid scenario with file:line:col and exit 1', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'schemaVersion: 1\nid: 3\n');
    const r = await ttx('run', bad);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ error`),
    );
  });

  it('takes scripted decisions, and stops on an illegal one with its number', async () => {
    const good = join(dir, 'good.yaml');
    writeFileSync(
      good,
      'human: [alliance]\ndecisions:\n  - { turn: 1, by: team:arl, type: draftResolution, chapter: VI }\n',
    );
    const r = await ttx('run', TUTORIAL, '--decisions', good);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Arland tables a Chapter VI draft resolution');
    const illegal = join(dir, 'illegal.yaml');
    writeFileSync(
      illegal,
      'decisions:\n  - { turn: 1, by: team:arl, type: pledge, slot: infBn, units: 1 }\n',
    );
    const bad = await ttx('run', TUTORIAL, '--decisions', illegal);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(
      /decision 1 \(turn 1, team:arl pledge\) was rejected: no pledge round is open/,
    );
    const malformed = join(dir, 'malformed.yaml');
    writeFileSync(
      malformed,
      'decisions:\n  - { turn: 0, by: team:arl, type: cimic }\n  - { turn: 2, by: nobody, type: cimic }\n',
    );
    const m = await ttx('run', TUTORIAL, '--decisions', malformed);
    expect(m.code).toBe(1);
    expect(m.err).toContain(`${malformed}:2:5 decisions[0].turn`);
    expect(m.err).toContain(`${malformed}:3:5 decisions[1]`);
  });
});

describe('ttx replay', () => {
  it('replays a log to the same state hash and says it verified it', async () => {
    const log = join(dir, 'run.jsonl');
    const run = JSON.parse(
      (await ttx('run', TUTORIAL, '--seed', '3', '--log', log, '--json')).out,
    ) as { stateHash: string };
    const again = await ttx('replay', log, '--json');
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.out) as { stateHash: string; verified: boolean };
    expect(summary.stateHash).toBe(run.stateHash);
    expect(summary.verified).toBe(true);
    const text = await ttx('replay', log);
    expect(text.out).toContain('Replay verified');
  });

  it('fails loudly when the scenario changed since the log was written', async () => {
    const scenario = join(dir, 'tutorial-copy.yaml');
    copyFileSync(TUTORIAL, scenario);
    const log = join(dir, 'changed.jsonl');
    expect((await ttx('run', scenario, '--log', log)).code).toBe(0);
    writeFileSync(scenario, `${readFileSync(scenario, 'utf8')}\n# an edit\n`);
    const r = await ttx('replay', log);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/has changed since the log was written/);
  });

  it('fails loudly when the recorded state hash differs, or a line is corrupt', async () => {
    const log = join(dir, 'tampered.jsonl');
    await ttx('run', TUTORIAL, '--log', log);
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
    const tampered = [
      ...lines.slice(0, -1),
      JSON.stringify({ end: { seq: lines.length - 2, stateHash: '0'.repeat(64) } }),
    ];
    writeFileSync(log, `${tampered.join('\n')}\n`);
    const r = await ttx('replay', log);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/replay diverged/);
    writeFileSync(log, `${lines.slice(0, 3).join('\n')}\n{"seq":3,"comm`);
    const torn = await ttx('replay', log);
    expect(torn.code).toBe(1);
    expect(torn.err).toContain(`${log}:4: not a JSON line`);
  });
});

describe('the ttx executable', () => {
  it('gives one clear line and no stack trace for a missing file', () => {
    const r = spawnSync(process.execPath, ['bin/ttx.js', 'replay', join(dir, 'missing.jsonl')], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('cannot read');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
