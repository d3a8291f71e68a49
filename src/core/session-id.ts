import type { Request } from 'express';
import { describeValue, ErrorCodes, LogicalSessionError } from './errors.js';
import { getState, stateOf, toInfo } from './session-state.js';
import type { SessionInfo } from './types.js';

function assertRequest(req: unknown, fn: string): asserts req is Request {
  if (typeof req !== 'object' || req === null || !('headers' in req)) {
    throw new LogicalSessionError(
      ErrorCodes.INVALID_ARGUMENT,
      `${fn}(req) needs the Express request, received ${describeValue(req)}.`,
    );
  }
}

/**
 * Get-or-create: the request's logical session ID. Never empty. Request-scoped (not persistent)
 * when the request has no usable session, e.g. while the session store is down.
 *
 * @example
 * ```ts
 * app.get('/orders', (req, res) => {
 *   req.log.info({ sessionId: getSessionId(req) }, 'listing orders');
 * });
 * ```
 */
export function getSessionId(req: Request): string {
  assertRequest(req, 'getSessionId');
  return stateOf(req).sessionId;
}

/**
 * The request's logical session ID if one has been assigned, without creating one. Handy in
 * pino-http's `customProps`, which also runs before `logicalSession()`.
 *
 * @example
 * ```ts
 * pinoHttp({ customProps: (req) => ({ sessionId: peekSessionId(req) }) });
 * ```
 */
export function peekSessionId(req: Request): string | undefined {
  return getState(req)?.sessionId;
}

/**
 * Everything known about the request's logical session: `{ id, createdAt, lastActivityAt,
 * previousId?, generation, isNew, persistent }` (dates as epoch ms).
 *
 * @example
 * ```ts
 * const { id, createdAt, persistent } = getSessionInfo(req);
 * ```
 */
export function getSessionInfo(req: Request): SessionInfo {
  assertRequest(req, 'getSessionInfo');
  return toInfo(stateOf(req));
}

/**
 * `${id}:${key}`: a key for caches and stores that must not leak between sessions.
 *
 * @example
 * ```ts
 * await cache.set(sessionScopedKey(req, 'search-results'), results);
 * ```
 */
export function sessionScopedKey(req: Request, key: string): string {
  if (typeof key !== 'string' || key === '') {
    throw new LogicalSessionError(
      ErrorCodes.INVALID_ARGUMENT,
      `sessionScopedKey(req, key) needs a non-empty string key, received ${describeValue(key)}.`,
    );
  }
  return `${getSessionId(req)}:${key}`;
}
