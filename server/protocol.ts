/**
 * The wire protocol of `ttx serve`: JSON text frames over one WebSocket per client, every
 * frame validated by a zod schema (the same library as scenarios). docs/protocol.md explains
 * it; docs/protocol.schema.json is generated from these schemas (`npm run protocol-schema`).
 *
 * This module is shared by the server and the typed client (server/client.ts), so it imports
 * nothing with side effects.
 */
import { z } from 'zod';
// The two engine modules the protocol needs, not the engine's index: the web client bundles
// this file, and the index would pull in the whole engine (machines, PRNG, policies).
import { CommandSchema } from '../engine/commands/schema.js';
import { REJECTION_CODES } from '../engine/errors.js';

/**
 * The protocol version a client names in `hello`; bumped on any incompatible change (2: the
 * server may send several frames as one array).
 */
export const PROTOCOL_VERSION = 2;

/** A client's command id: printable ASCII without spaces, 1–64 characters. */
export const ClientCommandId = z
  .string()
  .regex(/^[\x21-\x7e]{1,64}$/, 'a command id is 1-64 printable ASCII characters, no spaces')
  .describe('Chosen by the client; a resent command with the same id is never applied twice');

/** A role as the server names it. */
export const RoleName = z
  .union([
    z.literal('facilitator'),
    z.literal('observer'),
    z.templateLiteral(['team:', z.string().min(1).max(64)]),
  ])
  .describe("'facilitator', 'observer' or 'team:<id>'");

const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

// ---------------------------------------------------------------- client → server

export const HelloFrame = z
  .strictObject({
    type: z.literal('hello'),
    protocol: z
      .number()
      .int()
      .describe(`The protocol version; this server speaks ${PROTOCOL_VERSION}`),
    token: z.string().min(1).max(256).describe('The join token of one role in one session'),
    lastSeq: Seq.optional().describe(
      'The last event seq this client received (on a reconnection): the server sends exactly the events after it',
    ),
  })
  .describe('The first frame on a connection: join a session as the role of the token');

export const CommandFrame = z
  .strictObject({
    type: z.literal('command'),
    id: ClientCommandId,
    command: CommandSchema.describe(
      "An engine command without 'by': the server sets the issuer from the token's role",
    ),
  })
  .describe('Issue a command; answered by ack (applied and durable) or error (changed nothing)');

export const SyncFrame = z
  .strictObject({ type: z.literal('sync') })
  .describe('Ask for a full view (after a gap in view versions)');

export const RevokeFrame = z
  .strictObject({
    type: z.literal('revoke'),
    role: RoleName,
    reissue: z
      .boolean()
      .optional()
      .describe('Issue a new token for the role (returned in revoked)'),
  })
  .describe("Facilitator only: revoke a role's token, closing its connections");

export const OptionsRequestFrame = z
  .strictObject({ type: z.literal('options') })
  .describe("Ask for the commands this role may issue now (answered by 'options')");

export const ClientFrame = z.discriminatedUnion('type', [
  HelloFrame,
  CommandFrame,
  SyncFrame,
  RevokeFrame,
  OptionsRequestFrame,
]);
export type ClientFrame = z.output<typeof ClientFrame>;
export type HelloFrame = z.output<typeof HelloFrame>;
export type CommandFrame = z.output<typeof CommandFrame>;

// ---------------------------------------------------------------- server → client

/** A change to a view, in immer's patch format (JSON-Pointer-like paths as arrays). */
export const PatchSchema = z.strictObject({
  op: z.enum(['add', 'remove', 'replace']),
  path: z.array(z.union([z.string(), z.number().int().min(0)])),
  value: z.unknown().optional(),
});
export type Patch = z.output<typeof PatchSchema>;

/** A role's view (engine `View`): the fields every view has; the rest is described in README. */
export const ViewSchema = z
  .looseObject({
    role: RoleName,
    scenario: z.looseObject({ id: z.string(), title: z.string() }),
    turn: z.number().int(),
    status: z.enum(['setup', 'running', 'ended']),
    paused: z.boolean(),
    phase: z.string(),
    phaseLabel: z.string(),
    outcome: z.unknown(),
    public: z.record(z.string(), z.unknown()),
    injects: z.array(z.unknown()),
    team: z.record(z.string(), z.unknown()).optional(),
    force: z.array(z.unknown()).optional(),
    full: z.record(z.string(), z.unknown()).optional(),
  })
  .describe('What the role may see: engine viewFor(state, role)');

/** An engine event (engine `EngineEvent`); a resolution carries its explanation. */
export const EventSchema = z.looseObject({
  kind: z.string(),
  turn: z.number().int(),
  audience: z.union([z.literal('all'), z.literal('control'), z.array(z.string())]),
  text: z.string(),
  subject: z.string().optional(),
  team: z.string().optional(),
  explanation: z
    .looseObject({
      base: z.number(),
      chance: z.number(),
      roll: z.number().optional(),
      outcome: z.enum(['success', 'failure']),
    })
    .optional(),
});

/** Why a frame or a command was refused. Engine rejection codes come through unchanged. */
export const ErrorCode = z.enum([
  // protocol
  'badJson',
  'badFrame',
  'tooLarge',
  'rateLimited',
  'unsupportedProtocol',
  'unauthorized',
  'notJoined',
  'alreadyJoined',
  'sessionFull',
  'duplicateId',
  'unavailable',
  'badRequest',
  // engine rejections, passed through unchanged
  ...REJECTION_CODES,
]);
export type ErrorCode = z.output<typeof ErrorCode>;

/** The text of an `error` frame (`id` when the refused frame carried a valid one). */
export const errorFrame = (id: string | undefined, code: ErrorCode, message: string): string =>
  JSON.stringify({ type: 'error', ...(id === undefined ? {} : { id }), code, message });

export const WelcomeFrame = z
  .strictObject({
    type: z.literal('welcome'),
    protocol: z.literal(PROTOCOL_VERSION),
    session: z.string(),
    role: RoleName,
    team: z.string().optional(),
    seq: Seq.describe('The session seq the view is at; catch-up events (if lastSeq) follow'),
    view: ViewSchema,
  })
  .describe('The answer to hello');

export const AckFrame = z
  .strictObject({
    type: z.literal('ack'),
    id: ClientCommandId,
    seq: Seq.describe('The seq of the command in the session log'),
    duplicate: z.literal(true).optional().describe('This id was already applied: nothing was done'),
  })
  .describe('The command was applied and is durable (fsync)');

export const ErrorFrame = z
  .strictObject({
    type: z.literal('error'),
    id: ClientCommandId.optional().describe('The command id, when the frame carried a valid one'),
    code: ErrorCode,
    message: z.string(),
  })
  .describe('A frame or command was refused; it changed nothing');

export const EventFrame = z
  .strictObject({
    type: z.literal('event'),
    seq: Seq,
    events: z.array(EventSchema).describe('What this command did that the role may see'),
    view: z
      .strictObject({
        base: Seq.describe('The view version (seq) the patches apply to'),
        patches: z.array(PatchSchema),
      })
      .optional()
      .describe('The view change up to this seq; absent on catch-up events'),
  })
  .describe('Pushed for every command applied, in seq order, with no gap');

export const ViewFrame = z
  .strictObject({
    type: z.literal('view'),
    seq: Seq,
    view: ViewSchema,
  })
  .describe('A full view at seq (after catch-up, a sync, or a gap)');

export const RevokedFrame = z
  .strictObject({
    type: z.literal('revoked'),
    role: RoleName,
    token: z.string().optional().describe('The new token, when reissue was asked'),
  })
  .describe('The answer to revoke');

export const OptionsFrame = z
  .strictObject({
    type: z.literal('options'),
    seq: Seq.describe('The session seq the commands are legal at'),
    commands: z
      .array(CommandSchema)
      .describe(
        "Every command this role may issue at seq, without 'by' (engine legalCommands); none for observers",
      ),
  })
  .describe('The answer to options');

export const ServerFrame = z.discriminatedUnion('type', [
  WelcomeFrame,
  AckFrame,
  ErrorFrame,
  EventFrame,
  ViewFrame,
  RevokedFrame,
  OptionsFrame,
]);
export type ServerFrame = z.output<typeof ServerFrame>;

/**
 * One WebSocket message from the server: a frame, or the frames of one moment to one
 * connection (a command's events and its ack, say) as an array, to be handled in order.
 */
export const ServerMessage = z.union([
  ServerFrame,
  z.array(ServerFrame).min(2).describe('Several frames, to be handled in order'),
]);
export type WelcomeFrame = z.output<typeof WelcomeFrame>;
export type AckFrame = z.output<typeof AckFrame>;
export type ErrorFrame = z.output<typeof ErrorFrame>;
export type EventFrame = z.output<typeof EventFrame>;
export type ViewFrame = z.output<typeof ViewFrame>;
export type RevokedFrame = z.output<typeof RevokedFrame>;
export type OptionsFrame = z.output<typeof OptionsFrame>;

/** WebSocket close codes the server uses (besides 1000, 1001 going away and 1009 too big). */
export const CLOSE = {
  /** Bad or revoked token. */
  unauthorized: 4001,
  /** The client speaks another protocol version. */
  unsupportedProtocol: 4002,
  /** No hello in time. */
  helloTimeout: 4003,
  /** The client fell too far behind (backpressure); reconnect with lastSeq. */
  tooSlow: 4004,
  /** Abuse: too many frames over the rate limit, or too many bad frames. */
  policy: 1008,
  /** The session cannot go on (its log could not be written). */
  unavailable: 1011,
  /** Caps reached; try again later. */
  tryLater: 1013,
} as const;

// ---------------------------------------------------------------- HTTP

export const CreateSessionRequest = z
  .strictObject({
    scenario: z.string().max(64).optional().describe('A bundled scenario id (GET /api/scenarios)'),
    yaml: z.string().optional().describe('An uploaded scenario (YAML text), validated'),
    seed: z.string().min(1).max(128).optional().describe('Default: random'),
  })
  .refine((r) => (r.scenario === undefined) !== (r.yaml === undefined), {
    message: "give exactly one of 'scenario' (a bundled id) or 'yaml' (a scenario file's text)",
  });
export type CreateSessionRequest = z.output<typeof CreateSessionRequest>;

export interface CreateSessionResponse {
  readonly session: string;
  readonly scenario: { readonly id: string; readonly title: string; readonly hash: string };
  readonly seed: string;
  /** The WebSocket URL to connect to. */
  readonly ws: string;
  /** One join token per role: `facilitator`, `observer`, `team:<id>` for every team. */
  readonly tokens: Readonly<Record<string, string>>;
}

export const RevokeRequest = z.strictObject({
  role: RoleName,
  reissue: z.boolean().optional(),
});
