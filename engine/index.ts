/** The engine's public API: a pure, deterministic, explainable exercise core. */
export {
  applyInPlace,
  createSession,
  createWorkingSession,
  forkSession,
  parseCommand,
  replay,
  sealSession,
  step,
  stepInPlace,
  stepValidated,
  type InPlaceOptions,
  type StepResult,
} from './session.js';
export type { ResolutionListener } from './context.js';
export { hashState, canonicalJson } from './hash.js';
export { viewFor, eventsFor, type View, type ScenarioBrief } from './views.js';
export { legalCommands, checkCommand } from './commands/index.js';
export {
  CommandSchema,
  IssuerSchema,
  type Command,
  type CommandBody,
  type CommandType,
} from './commands/schema.js';
export { computeChance, explainText, type Explanation } from './resolution.js';
export { phaseOf, phaseLabel, type Phase } from './phase.js';
export { audienceIncludes, describeEvent, type EngineEvent, type Audience } from './events.js';
export {
  CommandRejectedError,
  REJECTION_CODES,
  type Rejection,
  type RejectionCode,
} from './errors.js';
export { ENGINE_VERSION } from './version.js';
export * from './scenario/schema.js';
export type { SessionState, Role, Issuer, Outcome } from './state.js';
