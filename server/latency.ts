/**
 * Latency figures for `/healthz`: how late each thread's event loop ran (a stall there delays
 * every frame and ack of the thread) and how much of the time it was busy, how long each
 * thread's garbage collector paused it, how long the journal's durable writes took (every ack
 * waits for one), and how long acks took on the session thread. They cover the time since the
 * server started, or since the last `/healthz?reset`, so that a benchmark or a monitor can
 * read them per interval.
 */
import {
  constants,
  createHistogram,
  monitorEventLoopDelay,
  performance,
  PerformanceObserver,
  type EventLoopUtilization,
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

/** A thread's garbage-collection pauses, in ms. */
export interface GcSummary {
  /** Scavenges of the young generation. */
  readonly young: LatencySummary;
  /** The full collector's pauses: its final (mark-compact) pause and incremental marking steps. */
  readonly full: LatencySummary;
}

/** `/healthz`'s `latency`. */
export interface HealthLatency {
  readonly mainLoopDelay: LatencySummary;
  readonly sessionLoopDelay: LatencySummary;
  /** The share of the time each thread's event loop was busy (0–1): its event-loop utilization. */
  readonly mainLoopBusy: number;
  readonly sessionLoopBusy: number;
  readonly mainGc: GcSummary;
  readonly sessionGc: GcSummary;
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

/**
 * How late this thread's event loop runs, sampled every 10 ms, and how much of the time it is
 * busy. Busy counts what the CPU share does not: a thread blocked in a system call (the
 * journal's durable write) is busy, and commands wait behind it as behind work.
 */
export class LoopDelay implements LatencyMeter {
  private readonly h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private since: EventLoopUtilization = performance.eventLoopUtilization();

  constructor() {
    this.h.enable();
  }

  /** The histogram holds the time between samples: the delay is what exceeds the period. */
  summary(): LatencySummary {
    return summarize(this.h, RESOLUTION_MS * 1e6);
  }

  /** The share of the time the loop was busy (0–1, to 0.01). */
  busy(): number {
    return Math.round(performance.eventLoopUtilization(this.since).utilization * 100) / 100;
  }

  reset(): void {
    this.h.reset();
    this.since = performance.eventLoopUtilization();
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

/**
 * This thread's garbage-collection pauses, as V8 reports them. A pause stops the thread's
 * event loop: on the session thread, every command that arrives meanwhile waits it out.
 */
export class GcPauses {
  private readonly young = new Durations();
  private readonly full = new Durations();
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // Node puts the kind of collection in `detail` (its typings leave it out).
      const { detail } = entry as { detail?: { kind?: number } };
      const kind = detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) this.young.record(entry.duration);
      else if (
        kind === constants.NODE_PERFORMANCE_GC_MAJOR ||
        kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL
      ) {
        this.full.record(entry.duration);
      }
    }
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  summary(): GcSummary {
    return { young: this.young.summary(), full: this.full.summary() };
  }

  reset(): void {
    this.young.reset();
    this.full.reset();
  }

  stop(): void {
    this.observer.disconnect();
  }
}
