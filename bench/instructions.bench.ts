/**
 * Instruction counts of the engine, for comparing two versions of the code on a machine whose
 * speed moves from minute to minute (see README, Performance). Time varies by a third between
 * runs here; the number of instructions a run executes, counted by valgrind (cachegrind, no
 * cache simulation) with V8 on one thread, repeats to within about 2 % (V8 seeds its string
 * hashes at random, which likely accounts for the rest).
 *
 * The workload (instructions-workload.ts, bundled with esbuild) warms up on 500 runs of the
 * scenario, then plays N more. It is run twice, with N = 0 and with N runs, in parallel; the
 * difference is the cost of N warm runs. Needs valgrind (`apt-get install valgrind`); takes
 * about a minute for the default 1,000 Kosovo runs. Prints figures; asserts nothing.
 *
 * With `--sessions`, the workload is the server's session work instead (session-workload.ts:
 * 50 live sessions playing bench:server's rounds, every frame built, no network or disk), and
 * N counts rounds of 250 actions (100 by default).
 *
 *   npm run bench:instructions [-- --runs N] [-- scenarios/x.yaml]
 *   npm run bench:instructions -- --sessions [--runs N]
 */
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const args = process.argv.slice(2);
const sessions = args.includes('--sessions');
const file = args.find((a) => a.endsWith('.yaml')) ?? 'scenarios/kosovo-1999.yaml';
const at = args.indexOf('--runs');
const runs = at >= 0 ? Number(args[at + 1]) : sessions ? 100 : 1000;
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs must be a whole number ≥ 1');
  process.exit(2);
}
if (spawnSync('valgrind', ['--version']).error) {
  console.error('bench:instructions needs valgrind (Debian: apt-get install valgrind)');
  process.exit(1);
}

// The bundle sits in bench/ so that its external packages resolve from node_modules.
const bundle = join('bench', `.instructions-${process.pid}.mjs`);
try {
  await build({
    entryPoints: [sessions ? 'bench/session-workload.ts' : 'bench/instructions-workload.ts'],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  const setting = `node ${process.version}, V8 on one thread, valgrind`;
  if (sessions) {
    console.log(`Instructions of the session work: 50 warm-up rounds, then ${runs} (${setting})`);
  } else {
    console.log(`Instructions of ${file}: 500 warm-up runs, then ${runs} runs (${setting})`);
  }
  const [base, measured] = await Promise.all([count(bundle, 0), count(bundle, runs)]);
  console.log(`start-up and warm-up: ${giga(base.instructions)} G instructions`);
  const extra = measured.instructions - base.instructions;
  if (sessions) {
    const per = extra / measured.actions;
    console.log(
      `each further action: ${(per / 1e3).toFixed(1)} k instructions (${measured.actions} actions: ${giga(extra)} G)`,
    );
  } else {
    console.log(
      `each further run: ${(extra / runs / 1e6).toFixed(3)} M instructions (${runs} runs: ${giga(extra)} G)`,
    );
  }
} finally {
  rmSync(bundle, { force: true });
}

/**
 * Instructions executed by the workload playing `n` runs (or rounds) after its warm-up, and
 * the actions it says it played (the session workload prints them).
 */
function count(script: string, n: number): Promise<{ instructions: number; actions: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'valgrind',
      [
        '--tool=cachegrind',
        '--cache-sim=no',
        '--cachegrind-out-file=/dev/null',
        process.execPath,
        // One thread: V8 then compiles where it runs, and the count repeats.
        '--single-threaded',
        script,
        ...(sessions ? [] : [file]),
        String(n),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const refs = /I\s+refs:\s+([\d,]+)/.exec(err)?.[1];
      if (code !== 0 || refs === undefined) {
        reject(new Error(`valgrind exited with ${code}:\n${err.slice(-2000)}`));
      } else {
        const actions = Number(/actions (\d+)/.exec(out)?.[1] ?? 0);
        resolve({ instructions: Number(refs.replaceAll(',', '')), actions });
      }
    });
  });
}

function giga(n: number): string {
  return (n / 1e9).toFixed(3);
}
