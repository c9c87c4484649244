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
 *   npm run bench:instructions [-- --runs N] [-- scenarios/x.yaml]
 */
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const args = process.argv.slice(2);
const file = args.find((a) => a.endsWith('.yaml')) ?? 'scenarios/kosovo-1999.yaml';
const at = args.indexOf('--runs');
const runs = at >= 0 ? Number(args[at + 1]) : 1000;
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
    entryPoints: ['bench/instructions-workload.ts'],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  console.log(
    `Instructions of ${file}: 500 warm-up runs, then ${runs} runs (node ${process.version}, V8 on one thread, valgrind)`,
  );
  const [base, measured] = await Promise.all([count(bundle, 0), count(bundle, runs)]);
  const perRun = (measured - base) / runs;
  console.log(`start-up, scenario load and 500 warm-up runs: ${giga(base)} G instructions`);
  console.log(
    `each further run: ${(perRun / 1e6).toFixed(3)} M instructions (${runs} runs: ${giga(measured - base)} G)`,
  );
} finally {
  rmSync(bundle, { force: true });
}

/** Instructions executed by the workload playing `n` runs after its warm-up. */
function count(script: string, n: number): Promise<number> {
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
        file,
        String(n),
      ],
      { stdio: ['ignore', 'inherit', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const refs = /I\s+refs:\s+([\d,]+)/.exec(err)?.[1];
      if (code !== 0 || refs === undefined) {
        reject(new Error(`valgrind exited with ${code}:\n${err.slice(-2000)}`));
      } else resolve(Number(refs.replaceAll(',', '')));
    });
  });
}

function giga(n: number): string {
  return (n / 1e9).toFixed(3);
}
