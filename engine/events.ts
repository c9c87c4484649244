/**
 * What a step reports: a narrative of engine events, each with its audience, so the server
 * can route them and the CLI can print them. Resolutions carry their explanation.
 */
import { explainText, type Explanation } from './resolution.js';

/** Everyone; the white cell only; or the listed teams (and the white cell). */
export type Audience = 'all' | 'control' | readonly string[];

export type EngineEventKind =
  | 'started'
  | 'paused'
  | 'resumed'
  | 'turn'
  | 'phase'
  | 'decision'
  | 'vote'
  | 'resolution'
  | 'inject'
  | 'effect'
  | 'ruling'
  | 'ended';

export interface EngineEvent {
  readonly kind: EngineEventKind;
  readonly turn: number;
  readonly audience: Audience;
  /** One readable sentence (for a resolution, what was resolved; see describeEvent). */
  readonly text: string;
  /** For resolutions: what was resolved (an inject id or an action such as `diplomacy`). */
  readonly subject?: string;
  /** The team a decision or resolution belongs to. */
  readonly team?: string;
  readonly explanation?: Explanation;
}

/** True if `role` may see an event addressed to `audience`. */
export function audienceIncludes(audience: Audience, role: string): boolean {
  if (role === 'facilitator' || audience === 'all') return true;
  if (audience === 'control') return false;
  return role.startsWith('team:') && audience.includes(role.slice(5));
}

/** The event as one line a player reads; a resolution gets its outcome and explanation. */
export function describeEvent(e: EngineEvent): string {
  if (!e.explanation) return e.text;
  return `${e.text}: ${e.explanation.outcome.toUpperCase()} — ${explainText(e.explanation)}`;
}
