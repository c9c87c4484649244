/**
 * Latency figures for `/healthz`: how late each thread's event loop ran (a stall there delays
 * every frame and ack of the thread), and how long the journal's durable writes took (every
 * ack waits for one). They cover the time since the server started, or since the last
 * `/healthz?reset`, so that a benchmark or a monitor can read them per interval.
 */
import {
  createHistogram,
  monitorEventLoopDelay,
  type IntervalHistogram,
  type RecordableHistogram,
} from 'node:perf_hooks';

/** Milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** `/healthz`'s `latency`. */
export interface HealthLatency {
  readonly mainLoopDelay: LatencySummary;
  readonly sessionLoopDelay: LatencySummary;
  readonly journalWrites: LatencySummary;
  readonly sessionAcks: LatencySummary;
}

const ms = (ns: number): number => Math.max(0, Math.round(ns / 1e4) / 100);

export interface LatencyMeter {
  summary(): LatencySummary;
  reset(): void;
}

function summarize(h: IntervalHistogram | RecordableHistogram, offsetNs = 0): LatencySummary {
  if (h.count === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
  return {
    count: h.count,
    p50: ms(h.percentile(50) - offsetNs),
    p99: ms(h.percentile(99) - offsetNs),
    max: ms(h.max - offsetNs),
  };
}

const RESOLUTION_MS = 10;

/** How late this thread's event loop runs, sampled every 10 ms. */
export class LoopDelay implements LatencyMeter {
  private readonly h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  constructor() {
    this.h.enable();
  }

  /** The histogram holds the time between samples: the delay is what exceeds the period. */
  summary(): LatencySummary {
    return summarize(this.h, RESOLUTION_MS * 1e6);
  }

  reset(): void {
    this.h.reset();
  }

  stop(): void {
    this.h.disable();
  }
}

/** A histogram of durations given in milliseconds. */
export class Durations implements LatencyMeter {
  private readonly h: RecordableHistogram = createHistogram();

  record(milliseconds: number): void {
    this.h.record(Math.max(1, Math.round(milliseconds * 1e6)));
  }

  summary(): LatencySummary {
    return summarize(this.h);
  }

  reset(): void {
    this.h.reset();
  }
}
