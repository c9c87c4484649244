/** Why a command was rejected. A rejected command changes nothing. */
export const REJECTION_CODES = [
  'malformed',
  'forbidden',
  'notStarted',
  'paused',
  'ended',
  'wrongPhase',
  'unknownTarget',
  'alreadyActed',
  'impossible',
  'caveat',
] as const;

export type RejectionCode = (typeof REJECTION_CODES)[number];

export interface Rejection {
  readonly code: RejectionCode;
  readonly message: string;
}

export const reject = (code: RejectionCode, message: string): Rejection => ({ code, message });

/** Thrown only by helpers that promise a valid input (e.g. `replay` on a log that was accepted). */
export class CommandRejectedError extends Error {
  constructor(
    readonly rejection: Rejection,
    readonly index: number,
  ) {
    super(`command ${index + 1} rejected (${rejection.code}): ${rejection.message}`);
    this.name = 'CommandRejectedError';
  }
}
