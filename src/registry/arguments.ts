import { isUsableId } from '../core/ids.js';
import { invalidArgument } from '../core/validation.js';

/** Longer user IDs are refused: every key and row of the user carries the ID. */
export const MAX_USER_ID_LENGTH = 1024;
const REASON = /^[A-Za-z0-9_.-]{1,64}$/;

/** A user ID: any string of 1 to 1024 characters (braces, colons, newlines and NUL are stored safely). */
export function checkUserId(caller: string, userId: unknown): string {
  if (typeof userId === 'string' && userId.length > 0 && userId.length <= MAX_USER_ID_LENGTH) return userId;
  throw invalidArgument(
    caller,
    'userId',
    userId,
    `Pass the user's ID as a non-empty string of at most ${MAX_USER_ID_LENGTH} characters, e.g. String(user.id).`,
  );
}

/** A logical session ID to look up: `false` for a string that can be no logical ID (so nothing matches it). */
export function checkSessionId(caller: string, sessionId: unknown): sessionId is string {
  if (typeof sessionId !== 'string') {
    throw invalidArgument(
      caller,
      'sessionId',
      sessionId,
      'Pass a logical session ID (a string), e.g. entry.sessionId.',
    );
  }
  return isUsableId(sessionId);
}

/** An end reason: `'revoked'` by default, or a short word. */
export function checkReason(caller: string, reason: unknown, fallback: string): string {
  if (reason === undefined) return fallback;
  if (typeof reason === 'string' && REASON.test(reason)) return reason;
  throw invalidArgument(
    caller,
    'reason',
    reason,
    "Pass a short reason of letters, digits, '.', '_' or '-', e.g. 'revoked'.",
  );
}
