/**
 * Commands: every decision, ruling and clock tick. Validated at runtime (they arrive from
 * files and the network), so a malformed command is rejected, never half-applied.
 */
import { z } from 'zod';
import { Caveat, Effect, Id } from '../scenario/schema.js';
import type { Issuer } from '../state.js';

export const IssuerSchema = z.union([
  z.literal('facilitator'),
  z.literal('system'),
  z.templateLiteral(['team:', z.string().min(1).max(64)]),
]);

const Reason = z.string().trim().min(1, 'a ruling needs a reason').max(500);

export const CommandSchema = z.discriminatedUnion('type', [
  // White cell and clock
  z.strictObject({ type: z.literal('start') }),
  z.strictObject({ type: z.literal('pause') }),
  z.strictObject({ type: z.literal('resume') }),
  z.strictObject({ type: z.literal('advance') }),
  z.strictObject({ type: z.literal('fireInject'), event: Id }),
  z.strictObject({
    type: z.literal('ruling'),
    reason: Reason,
    effect: Effect.pick({ factors: true, resources: true, support: true }),
  }),
  z.strictObject({
    type: z.literal('override'),
    event: Id,
    outcome: z.enum(['success', 'failure']),
    reason: Reason,
  }),
  z.strictObject({ type: z.literal('setControl'), team: Id, mode: z.enum(['human', 'policy']) }),
  // Mandate
  z.strictObject({ type: z.literal('draftResolution'), chapter: z.enum(['VI', 'VII']) }),
  z.strictObject({ type: z.literal('castVote'), vote: z.enum(['yes', 'no', 'abstain']) }),
  z.strictObject({ type: z.literal('proceedWithoutMandate') }),
  z.strictObject({ type: z.literal('abandon') }),
  z.strictObject({ type: z.literal('diplomacy'), target: Id }),
  z.strictObject({ type: z.literal('circulate') }),
  z.strictObject({ type: z.literal('breakSilence'), reason: z.string().max(500).optional() }),
  z.strictObject({ type: z.literal('reservation'), caveat: Caveat }),
  z.strictObject({ type: z.literal('nationalDecision'), approve: z.boolean() }),
  // Force generation
  z.strictObject({
    type: z.literal('pledge'),
    slot: Id,
    units: z.number().int().min(1).max(1000),
    caveats: z.array(Caveat).max(10).optional(),
  }),
  z.strictObject({ type: z.literal('reask') }),
  z.strictObject({ type: z.literal('acceptGaps') }),
  z.strictObject({ type: z.literal('transferAuthority') }),
  // Deployment and operations
  z.strictObject({ type: z.literal('prioritiseLift'), contingent: Id }),
  z.strictObject({
    type: z.literal('setRoe'),
    posture: z.enum(['restrictive', 'balanced', 'robust']),
  }),
  z.strictObject({ type: z.literal('cimic') }),
  z.strictObject({ type: z.literal('shareIntel') }),
  z.strictObject({ type: z.literal('respond'), event: Id, contingent: Id }),
]);

export type CommandBody = z.output<typeof CommandSchema>;
export type CommandType = CommandBody['type'];
export type CommandOf<T extends CommandType> = Extract<CommandBody, { type: T }>;

/** A command as applied and logged: who issued it, and what. */
export type Command = CommandBody & { readonly by: Issuer };
