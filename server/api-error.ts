/** An HTTP-shaped failure of an API operation: the status, a code and a message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: readonly string[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A JSON request body. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'badJson', 'the body must be JSON');
  }
}

/** A request that failed its schema: the first issue, with where it is. */
export function badRequest(issues: readonly { path: PropertyKey[]; message: string }[]): ApiError {
  const first = issues[0];
  const where = first && first.path.length ? `${first.path.map(String).join('.')}: ` : '';
  return new ApiError(400, 'badRequest', `${where}${first?.message ?? 'invalid request'}`);
}
