/**
 * The exercise: setup → mandate → force generation → deployment → ended, composing the phase
 * machines (the engine forwards their final states as MANDATE_DONE, FORCES_DONE and
 * DEPLOYMENT_DONE). The turn clock is scenario time: the engine counts turns and sends
 * TIMEOUT when the last turn has passed; COLLAPSE ends the exercise on a failure condition.
 */
import { setup } from 'xstate';

export type ExerciseEvent =
  | { type: 'START' }
  | { type: 'MANDATE_DONE'; ok: boolean }
  | { type: 'FORCES_DONE'; ok: boolean }
  | { type: 'DEPLOYMENT_DONE' }
  | { type: 'COLLAPSE' }
  | { type: 'TIMEOUT'; partial: boolean };

export const exerciseMachine = setup({
  types: { events: {} as ExerciseEvent },
  guards: {
    ok: ({ event }) => (event.type === 'MANDATE_DONE' || event.type === 'FORCES_DONE') && event.ok,
    partial: ({ event }) => event.type === 'TIMEOUT' && event.partial,
  },
}).createMachine({
  id: 'exercise',
  initial: 'setup',
  states: {
    setup: { on: { START: 'running' } },
    running: {
      initial: 'mandate',
      on: {
        COLLAPSE: '#exercise.ended.failure',
        TIMEOUT: [
          { guard: 'partial', target: '#exercise.ended.partial' },
          { target: '#exercise.ended.failure' },
        ],
      },
      states: {
        mandate: {
          on: {
            MANDATE_DONE: [
              { guard: 'ok', target: 'forceGeneration' },
              { target: '#exercise.ended.failure' },
            ],
          },
        },
        forceGeneration: {
          on: {
            FORCES_DONE: [
              { guard: 'ok', target: 'deployment' },
              { target: '#exercise.ended.failure' },
            ],
          },
        },
        deployment: {
          on: { DEPLOYMENT_DONE: '#exercise.ended.success' },
        },
      },
    },
    ended: {
      initial: 'success',
      states: {
        success: { type: 'final' },
        partial: { type: 'final' },
        failure: { type: 'final' },
      },
    },
  },
});
