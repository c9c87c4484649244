/** The `ttx` CLI as users run it: `node bin/ttx.js …` in a child process. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

const root = join(import.meta.dirname, '..', '..');
const valid = 'tests/scenario/fixtures/minimal.yaml';
const invalid = 'tests/scenario/malformed/wrong-type.yaml';

function ttx(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/ttx.js', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const noStackTrace = (s: string): void => {
  expect(s).not.toContain('    at ');
};

describe('ttx validate (child process)', { timeout: 60_000 }, () => {
  it('exits 0 and prints "file: ok" for a valid scenario', () => {
    const r = ttx('validate', valid);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${valid}: ok\n`);
    expect(r.stderr).toBe('');
  });

  it('exits 1 with file:line:col lines on stderr for an invalid one', () => {
    const r = ttx('validate', valid, invalid);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(`${valid}: ok\n`);
    expect(r.stderr).toBe(
      `${invalid}:8:13 error: clock.maxTurns: Invalid input: expected number, received string\n`,
    );
    noStackTrace(r.stderr);
  });

  it('reports a missing file as one positioned error line', () => {
    const r = ttx('validate', 'no/such/file.yaml');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('no/such/file.yaml:1:1 error: file not found\n');
  });

  it('rejects an unknown subcommand with one line and a non-zero status', () => {
    const r = ttx('frobnicate');
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual(["ttx: unknown command 'frobnicate'"]);
    noStackTrace(r.stderr);
  });
});

describe('ttx main() in process', () => {
  async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await main(['node', 'ttx', ...args], {
      out: (s) => (out += s),
      err: (s) => (err += s),
    });
    return { code, out, err };
  }

  it('validates in process with captured output', async () => {
    const r = await run('validate', join(root, valid));
    expect(r).toEqual({ code: 0, out: `${join(root, valid)}: ok\n`, err: '' });
  });

  it('turns usage errors into one line and status 2', async () => {
    expect(await run('validate')).toEqual({
      code: 2,
      out: '',
      err: "ttx: missing required argument 'files'\n",
    });
    expect(await run('validate', '--bogus', 'x')).toEqual({
      code: 2,
      out: '',
      err: "ttx: unknown option '--bogus'\n",
    });
    const typo = await run('valdate', 'x');
    expect(typo.code).toBe(2);
    expect(typo.err).toBe("ttx: unknown command 'valdate' (Did you mean validate?)\n");
  });

  it('prints help and the version with status 0', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('validate <files...>');
    const version = await run('--version');
    expect(version).toEqual({ code: 0, out: '0.1.0\n', err: '' });
  });

  it('shows help on stderr and returns 2 when no command is given', async () => {
    const r = await run();
    expect(r.code).toBe(2);
    expect(r.err).toContain('Usage: ttx');
  });
});
