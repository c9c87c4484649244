/**
 * How much of the machine the benchmarks actually had. This is a shared virtual machine: the
 * host can take CPU time away ("steal"), and wall-clock figures then drop for reasons that have
 * nothing to do with the code. Each benchmark prints the steal over its measurement next to
 * its figures, so that a figure can be read (Linux only; elsewhere it prints nothing).
 */
import { readdirSync, readFileSync } from 'node:fs';

interface CpuTimes {
  readonly total: number;
  readonly steal: number;
}

function read(): CpuTimes | undefined {
  try {
    // "cpu  user nice system idle iowait irq softirq steal guest guest_nice", in ticks.
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
    return { total: ticks.reduce((a, b) => a + b, 0), steal: ticks[7] ?? 0 };
  } catch {
    return undefined;
  }
}

/** Starts measuring; the function returned gives the share of CPU time stolen since (%). */
export function stealShareMeter(): () => number | undefined {
  const from = read();
  return () => {
    const to = read();
    if (!from || !to || to.total <= from.total) return undefined;
    return (100 * (to.steal - from.steal)) / (to.total - from.total);
  };
}

/** A steal share as the benchmarks print it ('' when it could not be read). */
export const stealText = (percent: number | undefined): string =>
  percent === undefined ? '' : `host steal ${percent.toFixed(0)} % of CPU time`;

/** Starts measuring; the function returned describes the steal since, e.g. "host steal 4 %". */
export function stealMeter(): () => string {
  const share = stealShareMeter();
  return () => stealText(share());
}

/**
 * CPU time (ms) of each thread of a process, by thread id (Linux only; empty elsewhere). Node
 * names every thread "node", so a caller tells them apart by id (the main thread's is the
 * process id) and by how busy they are.
 */
export function threadCpu(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      // "tid (comm) state ... utime stime ...": fields 14 and 15, after the parenthesised name.
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS);
    }
  } catch {
    // not Linux, or the process is gone
  }
  return out;
}

/** USER_HZ: /proc reports CPU times in these ticks per second (100 on Linux everywhere here). */
const CLOCK_TICKS = 100;
