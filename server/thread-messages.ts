/**
 * The messages between the server's two threads (see server/hub-link.ts).
 *
 * The main thread owns the network: HTTP, WebSockets, limits, frame validation. The session
 * thread owns the sessions: the hub, the engine, the views and the store. A connection is
 * known to the session thread by a number.
 */
import type { Role } from '../engine/index.js';
import type { Limits } from './limits.js';
import type { LogLevel } from './log.js';
import type { ClientFrame, CreateSessionRequest } from './protocol.js';

/** What the session thread is started with. */
export interface HubThreadData {
  readonly dataDir: string;
  readonly limits: Limits;
}

/** The HTTP API's operations on sessions (server/api.ts answers them). */
export type ApiCall =
  | { readonly op: 'health'; readonly gc: boolean; readonly reset: boolean }
  | { readonly op: 'scenarios' }
  | { readonly op: 'create'; readonly request: CreateSessionRequest; readonly ws: string }
  | { readonly op: 'status'; readonly session: string; readonly token: string | undefined }
  | {
      readonly op: 'revoke';
      readonly session: string;
      readonly token: string | undefined;
      /** The request body, JSON (checked once the token is). */
      readonly body: string;
    }
  | { readonly op: 'log'; readonly session: string; readonly token: string | undefined }
  | {
      readonly op: 'report';
      readonly session: string;
      readonly token: string | undefined;
      readonly format: 'html' | 'md';
      readonly futures: number;
    }
  | { readonly op: 'state'; readonly session: string };

/** A failed call, as an HTTP answer (an ApiError), or an unexpected failure. */
export type CallFailure =
  | {
      readonly status: number;
      readonly code: string;
      readonly message: string;
      readonly issues?: readonly string[];
    }
  | { readonly status: 500; readonly code: 'internal'; readonly message: string };

/**
 * A frame from a connection, validated; the news that the connection closed; or a close the
 * main thread decided (abuse), to go out once the frames before it are answered.
 */
export type Inbound =
  | { readonly conn: number; readonly frame: ClientFrame }
  | { readonly conn: number; readonly left: true }
  | { readonly conn: number; readonly close: { readonly code: number; readonly reason: string } };

/** What goes out to one connection: frames in order, then perhaps a close. */
export interface Outbound {
  readonly conn: number;
  readonly frames: string[];
  /** The role the connection joined as (once, on its welcome). */
  role?: Role;
  close?: { readonly code: number; readonly reason: string };
}

/**
 * A turn's outbound messages as they cross: every connection's share of the turn in one
 * WebSocket message (its frames, or an array of them), all of them as UTF-8 in one buffer,
 * which is transferred, not copied (cloning a few hundred strings cost the session thread
 * about a sixth of its time). `lengths[i]` bytes go to `conns[i]` (0: no message, only its
 * role or close).
 */
export interface OutboundBatch {
  readonly conns: readonly Omit<Outbound, 'frames'>[];
  readonly lengths: readonly number[];
  readonly bytes: Uint8Array<ArrayBuffer>;
}

export type ToHub =
  | { readonly t: 'in'; readonly items: readonly Inbound[] }
  | { readonly t: 'call'; readonly id: number; readonly call: ApiCall }
  /** Bytes queued for each connection (only those that changed to or from non-zero). */
  | { readonly t: 'buffered'; readonly conns: readonly (readonly [number, number])[] }
  | { readonly t: 'shutdown' };

export type FromHub =
  | {
      readonly t: 'ready';
      readonly recovered: { readonly restored: number; readonly quarantined: number };
    }
  | { readonly t: 'failed'; readonly message: string; readonly code?: string }
  | ({ readonly t: 'out' } & OutboundBatch)
  | { readonly t: 'reply'; readonly id: number; readonly value: unknown }
  | { readonly t: 'reply'; readonly id: number; readonly failure: CallFailure }
  | {
      readonly t: 'log';
      readonly level: LogLevel;
      readonly msg: string;
      readonly fields: Readonly<Record<string, unknown>>;
    }
  | { readonly t: 'closed' };
