/** The server's limits, with their defaults. Every one can be set in `startServer` options. */
import { MAX_FILE_BYTES } from '../src/scenario/load.js';

export interface Limits {
  /** Largest frame answered with an error (`tooLarge`) rather than processed. */
  readonly maxFrameBytes: number;
  /** Largest frame read at all: beyond it the connection is closed (1009). */
  readonly hardMaxFrameBytes: number;
  /** Largest HTTP request body (an uploaded scenario is at most 1 MiB of YAML). */
  readonly maxBodyBytes: number;
  /** Frames a connection may send per second, sustained ... */
  readonly ratePerSecond: number;
  /** ... and in a burst. Over it a frame gets `rateLimited` and is dropped. */
  readonly rateBurst: number;
  /** Frames over the rate limit (within a refill of the burst) before the connection is closed. */
  readonly rateStrikes: number;
  /** Bad frames (malformed or refused before reaching a session) before the connection is closed. */
  readonly maxBadFrames: number;
  readonly maxSessions: number;
  readonly maxConnections: number;
  /** Most connections to one session. */
  readonly maxPeers: number;
  /** Ping interval; a peer that has not answered the previous ping is dropped. */
  readonly heartbeatMs: number;
  /** Time a new connection has to say hello. */
  readonly helloTimeoutMs: number;
  /** Backpressure: a peer with more queued bytes stops receiving until it drains ... */
  readonly highWaterBytes: number;
  /** ... below this it catches up (missed events, then a full view) ... */
  readonly lowWaterBytes: number;
  /** ... and beyond this it is disconnected (it reconnects with lastSeq). */
  readonly maxBufferedBytes: number;
  /** Events of at least this many recent commands are kept in memory for catch-up. */
  readonly eventTail: number;
  /**
   * A state hash is logged every this many commands (checked on restart), each session at an
   * offset of its own.
   */
  readonly checkpointEvery: number;
  /**
   * A connection whose role issued none of the commands just made durable gets their frames
   * at most this much later, with those of any commands made durable meanwhile (its own
   * commands' frames go with their acks at once). 0: every frame at once.
   */
  readonly pushDelayMs: number;
  /**
   * The old generation of the session thread's heap starts this large (MB; 0: V8's default).
   * V8 starts it small and grows it one full collection at a time as the sessions' state builds
   * up: under load, a 6–20 ms pause of the thread every few seconds. The memory is used only
   * as the heap fills; a forced or idle collection still gives back what is garbage.
   */
  readonly sessionHeapStartMb: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxFrameBytes: 16 * 1024,
  hardMaxFrameBytes: 256 * 1024,
  maxBodyBytes: MAX_FILE_BYTES + 64 * 1024,
  ratePerSecond: 50,
  rateBurst: 100,
  rateStrikes: 50,
  maxBadFrames: 100,
  maxSessions: 10_000,
  maxConnections: 5_000,
  maxPeers: 64,
  heartbeatMs: 30_000,
  helloTimeoutMs: 10_000,
  highWaterBytes: 1024 * 1024,
  lowWaterBytes: 64 * 1024,
  maxBufferedBytes: 16 * 1024 * 1024,
  eventTail: 1024,
  checkpointEvery: 1024,
  pushDelayMs: 50,
  sessionHeapStartMb: 128,
};
