/**
 * Where sessions are kept. A session's durable record is its command log (the
 * src/log/command-log.ts format: a header, then `{seq, command}` lines, and an end line once
 * the exercise is over), its scenario text, and a small meta record (tokens, seed, origin).
 *
 * The embedded default is {@link FileStore} (server/file-store.ts); the interface is kept
 * small so that a PostgreSQL store (one row per log line, one transaction per append) can
 * follow without touching the sessions.
 */
import type { LogHeader } from '../src/log/command-log.js';

export interface SessionMeta {
  readonly format: 1;
  readonly id: string;
  /** ISO time of creation (wall clock; informational). */
  readonly created: string;
  readonly scenario: {
    readonly id: string;
    readonly title: string;
    /** sha256 of the scenario text (as in the log header). */
    readonly hash: string;
    readonly source: 'bundled' | 'upload';
  };
  readonly seed: string;
  /** sha256 (hex) of each role's current join token; a revoked token is simply gone. */
  readonly tokens: Readonly<Record<string, string>>;
}

/** A command line of the log. `id` (the client's command id) and `stateHash` are extras. */
export interface CommandRecord {
  readonly seq: number;
  readonly command: unknown;
  /** The client command id, so that a retry after a restart is still recognised. */
  readonly id?: string;
  /** The state hash after this command (a checkpoint, written every so many commands). */
  readonly stateHash?: string;
}

/** The line that closes a finished exercise's log. */
export interface EndRecord {
  readonly end: { readonly seq: number; readonly stateHash: string };
}

export type LogRecord = CommandRecord | EndRecord;

export interface StoredSession {
  readonly meta: SessionMeta;
  readonly header: LogHeader;
  readonly scenarioText: string;
  readonly records: readonly CommandRecord[];
  readonly end?: EndRecord['end'];
  /** Set when the store repaired the log on load (a torn last line after a crash). */
  readonly repaired?: string;
}

/** A session whose stored record cannot be trusted; the server quarantines it. */
export class CorruptSessionError extends Error {
  constructor(
    readonly sessionId: string,
    message: string,
  ) {
    super(message);
    this.name = 'CorruptSessionError';
  }
}

export interface SessionStore {
  /** The ids of every stored session (quarantined ones excluded). */
  list(): Promise<string[]>;
  /** Stores a new session durably: its scenario text, meta and log header. */
  create(meta: SessionMeta, header: LogHeader, scenarioText: string): Promise<void>;
  /** Reads a session back; throws {@link CorruptSessionError} if it cannot be trusted. */
  load(id: string): Promise<StoredSession>;
  /**
   * Appends records to a session's log; resolves once they are durable (fsync). A session may
   * have several appends in flight: they become durable and resolve in the order they were
   * made, and once one fails, every later append of that session fails too (a log never has
   * a gap). The caller batches records (group commit).
   */
  append(id: string, records: readonly LogRecord[]): Promise<void>;
  /** Replaces a session's meta durably (token revocation). */
  saveMeta(meta: SessionMeta): Promise<void>;
  /** Moves a session out of the way; resolves to where it went (for the log line). */
  quarantine(id: string, reason: string): Promise<string>;
  close(): Promise<void>;
}

/** Session ids are URL- and file-name-safe. */
export const SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;
