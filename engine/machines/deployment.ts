/**
 * Deployment and operations: strategic lift and RSOM until initial operating capability,
 * full operating capability only once RSOM has received the whole force, operations, then
 * transition (handover) and redeployment.
 */
import { setup } from 'xstate';

export interface DeploymentInput {
  readonly iocFraction: number;
}

export type DeploymentEvent =
  | { type: 'RSOM_PROGRESS'; deployedFraction: number; remaining: number }
  | { type: 'CONDITIONS_MET' }
  | { type: 'HANDOVER_COMPLETE' }
  | { type: 'REDEPLOYED' };

export const deploymentMachine = setup({
  types: {
    context: {} as DeploymentInput,
    input: {} as DeploymentInput,
    events: {} as DeploymentEvent,
  },
  guards: {
    iocReached: ({ context, event }) =>
      event.type === 'RSOM_PROGRESS' && event.deployedFraction >= context.iocFraction,
    rsomComplete: ({ event }) => event.type === 'RSOM_PROGRESS' && event.remaining === 0,
  },
}).createMachine({
  id: 'deployment',
  context: ({ input }) => ({ ...input }),
  initial: 'lift',
  states: {
    lift: {
      on: { RSOM_PROGRESS: { guard: 'iocReached', target: 'ioc' } },
    },
    ioc: {
      on: { RSOM_PROGRESS: { guard: 'rsomComplete', target: 'operations' } },
    },
    operations: {
      on: { CONDITIONS_MET: 'transition' },
    },
    transition: {
      on: { HANDOVER_COMPLETE: 'redeployment' },
    },
    redeployment: {
      on: { REDEPLOYED: 'complete' },
    },
    complete: { type: 'final' },
  },
});
