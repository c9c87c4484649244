/** The HTTP API the start page uses (docs/protocol.md), with errors in plain words. */
import type { CreateSessionResponse } from '../../../server/protocol.js';
import { plainHttpError, UNREACHABLE } from './errors.js';

export interface ScenarioSummary {
  readonly id: string;
  readonly title: string;
  readonly period?: string;
  readonly briefing: string;
  readonly maxTurns: number;
  readonly teams: readonly { id: string; name: string; kind: string }[];
}

export class ApiFailure extends Error {
  override name = 'ApiFailure';
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiFailure(UNREACHABLE);
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) throw new ApiFailure(plainHttpError(res.status, body));
  return body as T;
}

export const listScenarios = (): Promise<ScenarioSummary[]> => call('/api/scenarios');

export const createSession = (scenario: string, seed: string): Promise<CreateSessionResponse> =>
  call('/api/sessions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scenario, ...(seed.trim() ? { seed: seed.trim() } : {}) }),
  });
