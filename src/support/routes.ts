import type { Request } from 'express';
import { isUsableId } from '../core/ids.js';
import type { TimelineCursor } from './session-view.js';
import type { SupportAction } from './types.js';

/** A request the console understood, with every value it carries already checked. */
export type Route =
  | { readonly kind: 'overview'; readonly action: 'overview' }
  | { readonly kind: 'lookup'; readonly action: 'session'; readonly sessionId: string }
  | { readonly kind: 'user'; readonly action: 'user'; readonly userId: string }
  | {
      readonly kind: 'session';
      readonly action: 'session';
      readonly sessionId: string;
      readonly cursor: TimelineCursor | undefined;
    }
  | { readonly kind: 'revoke'; readonly action: 'revoke'; readonly sessionId: string };

/** A request the console refuses before any query: its status and what to tell the person. */
export interface Refusal {
  readonly kind: 'refused';
  readonly status: 400 | 404 | 405;
  readonly title: string;
  readonly message: string;
  readonly allow?: string;
}

const NOT_AN_ID = 'That is not a logical session ID: one is 1 to 128 visible ASCII characters, such as a UUID.';
const MAX_USER_ID = 200;
// Control characters have no place in a user ID and would only garble the page and the logs.
const USER_ID = new RegExp(`^[^\\p{Cc}]{1,${MAX_USER_ID}}$`, 'u');
const TIME = /^-?\d{1,16}$/;

const badRequest = (message: string): Refusal => ({ kind: 'refused', status: 400, title: 'Bad request', message });
const notFound: Refusal = {
  kind: 'refused',
  status: 404,
  title: 'Not found',
  message: 'The console has no such page.',
};

function methodNotAllowed(allow: string): Refusal {
  return { kind: 'refused', status: 405, title: 'Method not allowed', message: `Use ${allow}.`, allow };
}

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function cursorOf(query: URLSearchParams): TimelineCursor | undefined | Refusal {
  const before = query.get('before');
  const beforeId = query.get('beforeId');
  if (before === null && beforeId === null) return undefined;
  if (before !== null && beforeId !== null && TIME.test(before) && isUsableId(beforeId)) {
    return { before: Number(before), beforeId };
  }
  return badRequest(
    'A timeline page needs both `before` (epoch ms) and `beforeId`, as the "Older events" link has them.',
  );
}

function sessionsQuery(query: URLSearchParams): Route | Refusal {
  const user = query.get('user');
  if (user !== null) {
    return USER_ID.test(user)
      ? { kind: 'user', action: 'user', userId: user }
      : badRequest(`A user ID is 1 to ${MAX_USER_ID} characters, without control characters.`);
  }
  const pasted = query.get('id');
  if (pasted === null) return badRequest('Pass ?id=<session ID> or ?user=<user ID>.');
  // A pasted ID often comes with spaces, a line break or the quotes of a JSON body around it.
  const sessionId = pasted.trim().replace(/^["']|["']$/g, '');
  return isUsableId(sessionId) ? { kind: 'lookup', action: 'session', sessionId } : badRequest(NOT_AN_ID);
}

/** What the request asks for, or why it is refused; `req.path` is relative to where the console is mounted. */
export function routeOf(req: Request): Route | Refusal {
  const read = req.method === 'GET' || req.method === 'HEAD';
  const queryStart = req.url.indexOf('?');
  // Read from the URL itself: Express 4 and 5 parse req.query differently (nested objects, arrays).
  const query = new URLSearchParams(queryStart === -1 ? '' : req.url.slice(queryStart + 1));
  const segments = req.path.split('/').filter((segment) => segment !== '');
  if (segments.length === 0) return read ? { kind: 'overview', action: 'overview' } : methodNotAllowed('GET');
  if (segments[0] !== 'sessions' || segments.length > 3) return notFound;
  if (segments.length === 1) return read ? sessionsQuery(query) : methodNotAllowed('GET');
  const sessionId = decoded(segments[1] ?? '');
  if (segments.length === 3) {
    if (segments[2] !== 'revoke') return notFound;
    if (req.method !== 'POST') return methodNotAllowed('POST');
    return sessionId !== undefined && isUsableId(sessionId)
      ? { kind: 'revoke', action: 'revoke', sessionId }
      : badRequest(NOT_AN_ID);
  }
  if (!read) return methodNotAllowed('GET');
  if (sessionId === undefined || !isUsableId(sessionId)) return badRequest(NOT_AN_ID);
  const cursor = cursorOf(query);
  if (cursor !== undefined && 'kind' in cursor) return cursor;
  return { kind: 'session', action: 'session', sessionId, cursor };
}

/** The action and subject `authorize` is asked about. */
export function subjectOf(route: Route): { action: SupportAction; sessionId?: string; userId?: string } {
  if (route.kind === 'overview') return { action: route.action };
  if (route.kind === 'user') return { action: route.action, userId: route.userId };
  return { action: route.action, sessionId: route.sessionId };
}
