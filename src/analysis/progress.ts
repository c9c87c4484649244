/**
 * A one-line progress bar on a terminal's stderr: `[#####-----] 52%  5200/10000 runs  1830
 * runs/s  ETA 3 s`, repainted at most ten times a second and cleared when done.
 */
export interface ProgressSink {
  write(text: string): void;
}

export interface ProgressBar {
  update(done: number, total: number): void;
  /** Clears the line. */
  done(): void;
}

const WIDTH = 28;

export function progressBar(sink: ProgressSink, label = 'runs'): ProgressBar {
  const t0 = performance.now();
  let last = 0;
  let painted = false;
  return {
    update(done, total) {
      const now = performance.now();
      if (done < total && now - last < 100) return;
      last = now;
      const share = total > 0 ? done / total : 1;
      const filled = Math.round(share * WIDTH);
      const seconds = (now - t0) / 1000;
      const rate = seconds > 0 ? done / seconds : 0;
      const eta = rate > 0 ? Math.ceil((total - done) / rate) : 0;
      sink.write(
        `\r[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${done}/${total} ${label}  ${Math.round(rate)} ${label}/s  ETA ${eta} s `,
      );
      painted = true;
    },
    done() {
      if (painted) sink.write(`\r${' '.repeat(WIDTH + 70)}\r`);
    },
  };
}
