import { hash } from 'node:crypto';
import type { SessionData } from 'express-session';
import { invalidRecord } from './store-errors.js';

/** express-session's own IDs have 32 characters; custom `genid`s get room, a runaway one does not. */
const MAX_SID_LENGTH = 1024;

/**
 * The key of a session's row: SHA-256 of the cookie session ID. The ID is a credential, so the database holds
 * only this one-way digest and a copied file cannot be turned back into working cookies.
 */
export function sidKey(operation: string, sid: unknown): Buffer {
  if (typeof sid !== 'string' || sid === '') {
    throw invalidRecord(operation, 'the session ID must be a non-empty string (express-session passes req.sessionID).');
  }
  if (sid.length > MAX_SID_LENGTH) {
    // Never echo the ID itself: it is a credential, and this message may reach a log.
    throw invalidRecord(
      operation,
      `the session ID has ${sid.length} characters; at most ${MAX_SID_LENGTH} are accepted. Check the \`genid\` option of express-session.`,
    );
  }
  return hash('sha256', sid, 'buffer');
}

function epochOf(value: unknown): number | undefined {
  if (value instanceof Date || typeof value === 'string' || typeof value === 'number') {
    const ms = new Date(value).getTime();
    if (Number.isFinite(ms)) return ms;
  }
  return undefined;
}

/**
 * When a session expires, epoch ms on the store's clock: now plus the cookie's `maxAge` (milliseconds left, as
 * express-session's `Cookie` counts them), else its `expires` (a `Date`, or the ISO string of stored JSON, which
 * has no `maxAge`), else now plus `ttl`.
 */
export function expiryOf(session: Partial<SessionData> | undefined, now: number, ttl: number): number {
  const cookie = session?.cookie as { expires?: unknown; maxAge?: unknown } | undefined;
  const maxAge = cookie?.maxAge;
  if (typeof maxAge === 'number' && Number.isFinite(maxAge)) return now + maxAge;
  return epochOf(cookie?.expires) ?? now + ttl;
}

/** The session data as stored: JSON, as MemoryStore and connect-redis keep it. */
export function encodeSession(operation: string, session: unknown): string {
  // The type rules this out, but a direct caller can pass anything; JSON.stringify would then return undefined.
  if (typeof session !== 'object' || session === null) {
    throw invalidRecord(operation, 'the session data must be an object (express-session passes req.session).');
  }
  try {
    return JSON.stringify(session);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw invalidRecord(
      operation,
      `the session data cannot be stored as JSON (${reason}). Keep only JSON values in req.session: no BigInt, no cycles.`,
      err,
    );
  }
}

/** A stored row back into session data; a row that is not a JSON object is refused, never half-read. */
export function decodeSession(operation: string, key: Buffer, sess: unknown): SessionData {
  let data: unknown;
  let cause: unknown;
  try {
    data = JSON.parse(String(sess));
  } catch (err) {
    cause = err;
  }
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) return data as SessionData;
  throw invalidRecord(
    operation,
    `the stored session with sid_hash ${key.toString('hex')} is not a JSON object: the row is damaged. Delete that row or let it expire; until then, requests with this session's cookie fail.`,
    cause,
  );
}
