/**
 * What each phase of an exercise is called on screen (web client, after-action report). A
 * module of its own, free of the machines, so the web client can bundle it.
 */
import type { Phase } from './phase.js';

export const PHASE_NAMES: Readonly<Record<Phase, string>> = {
  setup: 'Set-up',
  mandate: 'Mandate',
  forceGeneration: 'Force generation',
  deployment: 'Deployment',
  operations: 'Operations',
  transition: 'Transition',
  ended: 'Ended',
};
