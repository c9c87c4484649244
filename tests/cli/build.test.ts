/**
 * The build (scripts/build.mjs): the bundled CLI and its bundled worker threads give the same
 * results as the TypeScript sources. Built into a folder of its own, so `dist/` is untouched.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ttx } from '../helpers/cli.js';

const root = join(import.meta.dirname, '..', '..');
const outdir = `.build-test-${process.pid}`;

function node(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The bundled modules a built module loads when it starts (its static imports, transitively). */
function staticGraph(dir: string, entry: string): string[] {
  const seen = new Set<string>([entry]);
  for (const file of seen) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of text.matchAll(/^import(?:[^'"]*?from)?\s*["']\.\/([^"']+)["']/gm)) {
      if (m[1]) seen.add(m[1]);
    }
  }
  return [...seen];
}

/** A batch report without how it ran (threads, seconds). */
const results = (json: string): unknown => ({
  ...(JSON.parse(json) as Record<string, unknown>),
  meta: null,
});

describe('the built CLI', { timeout: 120_000 }, () => {
  beforeAll(() => {
    const built = node('scripts/build.mjs', outdir);
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
  });
  afterAll(() => rmSync(join(root, outdir), { recursive: true, force: true }));

  it('runs on its own and finds the package and the bundled scenarios', async () => {
    const r = node(`${outdir}/ttx.mjs`, 'run', 'scenarios/tutorial.yaml', '--seed', '3', '--json');
    const source = await ttx('run', 'scenarios/tutorial.yaml', '--seed', '3', '--json');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(source.out);
    expect(node(`${outdir}/ttx.mjs`, '--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('runs batches and checks on its bundled worker threads, with the same results', async () => {
    const args = ['batch', 'scenarios/tutorial.yaml', '--runs', '40', '--json', '--workers'];
    const built = node(`${outdir}/ttx.mjs`, ...args, '2');
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    const source = await ttx(...args, '0');
    expect(results(built.stdout)).toEqual(results(source.out));
    const check = node(
      `${outdir}/ttx.mjs`,
      'check',
      'scenarios/tutorial.yaml',
      '--runs',
      '40',
      '-j',
      '2',
    );
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('properties hold');
  });

  it('starts batch workers without the schema library (runs never validate)', () => {
    const dir = join(root, outdir);
    const graph = staticGraph(dir, 'batch-worker.mjs');
    const sources = graph.map((f) => readFileSync(join(dir, f), 'utf8'));
    // esbuild marks each bundled module with its path: the engine is there, zod is not.
    expect(sources.some((t) => t.includes('// engine/apply.ts'))).toBe(true);
    expect(sources.filter((t) => t.includes('// node_modules/zod/'))).toEqual([]);
  });
});
