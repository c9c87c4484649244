/**
 * Server errors in plain words: what happened and what to do, for the people in the room.
 * The server's own message follows as the detail.
 */
import type { ErrorCode } from '../../../server/protocol.js';

const PLAIN: Readonly<Record<ErrorCode, string>> = {
  // engine rejections
  malformed: 'The server did not understand that request. Reload the page and try again.',
  forbidden: 'Your role may not do that.',
  notStarted: 'The exercise has not started yet: the white cell starts it.',
  paused: 'The exercise is paused by the white cell. Try again once it resumes.',
  ended: 'The exercise has ended.',
  wrongPhase: 'That is not possible at this stage of the exercise.',
  unknownTarget: 'What that decision refers to no longer exists.',
  alreadyActed: 'That has already been done this turn.',
  impossible: 'That cannot be done now.',
  caveat: 'A national caveat rules that out.',
  // protocol
  badJson: 'The server did not understand that request. Reload the page and try again.',
  badFrame: 'The server did not understand that request. Reload the page and try again.',
  tooLarge: 'That request is too large for the server.',
  rateLimited: 'Too many actions at once. Wait a moment and try again.',
  unsupportedProtocol: 'This page is out of date for the server. Reload it.',
  unauthorized:
    'This link is not valid, or the white cell has revoked it. Ask them for a new link.',
  notJoined: 'The page is not connected yet. Wait a moment and try again.',
  alreadyJoined: 'This connection has already joined. Reload the page.',
  sessionFull: 'Too many screens are connected to this exercise. Close one and reload.',
  duplicateId: 'That request was sent twice with different contents. Reload the page.',
  unavailable:
    'The server could not record that (its disk may be full). Tell the white cell; nothing was changed.',
  badRequest: 'The server refused that request.',
};

/** A refused frame or command, in plain words, with the server's message as detail. */
export function plainError(code: ErrorCode, message: string): string {
  const plain = PLAIN[code];
  return message && !plain.includes(message) ? `${plain} (${message})` : plain;
}

/** Why the connection closed, in plain words, and whether reconnecting could help. */
export function closeReason(code: number): { message: string; fatal: boolean } {
  switch (code) {
    case 4001:
      return { message: PLAIN.unauthorized, fatal: true };
    case 4002:
      return { message: PLAIN.unsupportedProtocol, fatal: true };
    case 1001:
      return { message: 'The server is restarting.', fatal: false };
    case 1011:
      return {
        message: 'The server stopped this exercise: its log could not be written.',
        fatal: false,
      };
    case 1013:
      return { message: 'The server is busy.', fatal: false };
    default:
      return { message: 'The connection to the server was lost.', fatal: false };
  }
}

/** An HTTP API error body (`{error: {code, message, issues?}}`) in plain words. */
export function plainHttpError(status: number, body: unknown): string {
  const error = (body as { error?: { code?: string; message?: string; issues?: string[] } })?.error;
  const message = error?.message ?? `the server answered ${status}`;
  const issues = error?.issues?.length ? `: ${error.issues.join('; ')}` : '';
  if (status === 503) return `The server is at its limit (${message}). Try again later.`;
  if (status >= 500)
    return `The server failed (${message}). Try again; if it persists, check its log.`;
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}${issues}.`;
}

/** A failed fetch: the server could not be reached at all. */
export const UNREACHABLE =
  'The server cannot be reached. Is `ttx serve` (npm start) still running on this machine?';
