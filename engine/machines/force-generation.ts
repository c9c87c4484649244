/**
 * Force generation: activation → pledge rounds at a force sourcing conference → gap review
 * (re-ask while rounds remain, or accept the gaps unless a critical slot is empty) →
 * transfer of authority.
 */
import { assign, setup } from 'xstate';

export interface ForceGenerationInput {
  readonly maxRounds: number;
}

export interface ForceGenerationContext extends ForceGenerationInput {
  readonly round: number;
  readonly gaps: number;
  readonly criticalGaps: number;
}

export type ForceGenerationEvent =
  | { type: 'ACTIVATE' }
  | { type: 'CLOSE_ROUND'; gaps: number; criticalGaps: number }
  | { type: 'REASK' }
  | { type: 'ACCEPT_GAPS' }
  | { type: 'TRANSFER_AUTHORITY' }
  | { type: 'ABANDON' };

export const forceGenerationMachine = setup({
  types: {
    context: {} as ForceGenerationContext,
    input: {} as ForceGenerationInput,
    events: {} as ForceGenerationEvent,
  },
  guards: {
    noGaps: ({ event }) => event.type === 'CLOSE_ROUND' && event.gaps === 0,
    roundsLeft: ({ context }) => context.round < context.maxRounds,
    noCriticalGaps: ({ context }) => context.criticalGaps === 0,
  },
}).createMachine({
  id: 'forceGeneration',
  context: ({ input }) => ({ ...input, round: 0, gaps: 0, criticalGaps: 0 }),
  initial: 'activation',
  states: {
    activation: {
      on: { ACTIVATE: { target: 'pledging', actions: assign({ round: 1 }) } },
    },
    pledging: {
      on: {
        CLOSE_ROUND: [
          { guard: 'noGaps', target: 'toaReady', actions: assign({ gaps: 0, criticalGaps: 0 }) },
          {
            target: 'gapReview',
            actions: assign(({ event }) =>
              event.type === 'CLOSE_ROUND'
                ? { gaps: event.gaps, criticalGaps: event.criticalGaps }
                : {},
            ),
          },
        ],
      },
    },
    gapReview: {
      on: {
        REASK: {
          guard: 'roundsLeft',
          target: 'pledging',
          actions: assign({ round: ({ context }) => context.round + 1 }),
        },
        ACCEPT_GAPS: { guard: 'noCriticalGaps', target: 'toaReady' },
        ABANDON: 'failed',
      },
    },
    toaReady: {
      on: { TRANSFER_AUTHORITY: 'done' },
    },
    done: { type: 'final' },
    failed: { type: 'final' },
  },
});
