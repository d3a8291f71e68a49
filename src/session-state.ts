import type { Request } from 'express';
import type { Session, SessionData } from 'express-session';
import type { RequestContext } from './context.js';
import { isUsableId } from './ids.js';
import type { Runtime } from './runtime.js';
import type { SessionInfo } from './types.js';

/**
 * The library's state inside the express-session data, under `req.session.els`: one string,
 * because express-session serializes and hashes the whole session on every request and a string
 * is the cheapest thing in it. Space-separated, numbers in base 36:
 * `"<generation> <createdAt ms> <lastActivityAt ms> <id>[ <previousId>]"`. With a default ID it
 * adds 65 bytes to the stored session JSON, about 100 with a previous ID. The IDs are stored
 * verbatim, so a logical ID can be searched for in the store.
 *
 * @example
 * ```ts
 * // Read it through getSessionInfo(req); the raw form is for store tooling.
 * const raw: StoredLogicalSession | undefined = req.session.els;
 * // '0 m3s5k0g0 m3s5q2o0 0193b3c1-6e0f-8a4b-9c2d-3e4f5a6b7c8d'
 * ```
 */
// Branded so the app cannot assign any string; the brand is a plain property name, not a unique
// symbol, so the ESM and CommonJS declaration files declare the same type.
export type StoredLogicalSession = string & { readonly __brand: 'express-logical-session/stored' };

/** The decoded fields of a {@link StoredLogicalSession}. */
export interface StoredFields {
  readonly id: string;
  /** Generation: how many times the ID has rotated; input of the derived ID. */
  readonly g: number;
  /** Created at, epoch ms. */
  readonly c: number;
  /** Last activity written, epoch ms (refreshed at most once per `touchInterval`). */
  readonly a: number;
  /** Previous logical ID, when this session continues another. */
  readonly p: string | undefined;
}

declare module 'express-session' {
  interface SessionData {
    /** express-logical-session's state. Read it through `getSessionInfo(req)`, never set it. */
    els?: StoredLogicalSession;
  }
}

/** A live express-session session, with our typed state. */
export type LiveSession = Session & Partial<SessionData>;

/** Everything the library knows about one request's logical session. */
export interface RequestState {
  readonly runtime: Runtime | undefined;
  readonly context: RequestContext;
  createdAt: number;
  lastActivityAt: number;
  previousId: string | undefined;
  generation: number;
  isNew: boolean;
  persistent: boolean;
  /** Lazy mode: the ID is derived but not yet written into the session data. */
  pending: boolean;
}

// Kept beside the request rather than on it: adding a property to Node's request object (which
// already has dozens) reallocates its property store on every request.
const STATES = new WeakMap<Request, RequestState>();

export function getState(req: Request): RequestState | undefined {
  return STATES.get(req);
}

export function setState(req: Request, state: RequestState): void {
  STATES.set(req, state);
}

/** A base-36 number of 1-10 digits (always a safe integer) in `text[from, to)`, else -1. */
function base36At(text: string, from: number, to: number): number {
  if (to <= from || to - from > 10) return -1;
  let value = 0;
  for (let i = from; i < to; i += 1) {
    const code = text.charCodeAt(i);
    const digit = code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 122 ? code - 87 : -1;
    if (digit < 0) return -1;
    value = value * 36 + digit;
  }
  return value;
}

/**
 * Decodes `req.session.els`; `undefined` when it is missing or not in the stored format. Runs on
 * every request, so it scans by hand rather than with a capturing regular expression (2x faster).
 */
export function readStored(value: unknown): StoredFields | undefined {
  if (typeof value !== 'string') return undefined;
  const first = value.indexOf(' ');
  const second = value.indexOf(' ', first + 1);
  const third = second < 0 ? -1 : value.indexOf(' ', second + 1);
  if (first < 0 || third < 0) return undefined;
  const g = base36At(value, 0, first);
  const c = base36At(value, first + 1, second);
  const a = base36At(value, second + 1, third);
  if (g < 0 || c < 0 || a < 0) return undefined;
  const fourth = value.indexOf(' ', third + 1);
  const id = fourth < 0 ? value.slice(third + 1) : value.slice(third + 1, fourth);
  const p = fourth < 0 ? undefined : value.slice(fourth + 1);
  // IDs are 1-128 visible ASCII characters (ids.ts), so a space cannot occur inside one.
  if (!isUsableId(id) || (p !== undefined && !isUsableId(p))) return undefined;
  return { id, g, c, a, p };
}

/** Whole non-negative milliseconds in base 36 (a custom clock may return fractions). */
function base36(value: number): string {
  return Math.max(0, Math.trunc(value)).toString(36);
}

export function toStored(state: RequestState): StoredLogicalSession {
  const head = `${base36(state.generation)} ${base36(state.createdAt)} ${base36(state.lastActivityAt)} ${state.context.sessionId}`;
  return (state.previousId === undefined ? head : `${head} ${state.previousId}`) as StoredLogicalSession;
}

export function toInfo(state: RequestState): SessionInfo {
  const info = {
    id: state.context.sessionId,
    createdAt: state.createdAt,
    lastActivityAt: state.lastActivityAt,
    generation: state.generation,
    isNew: state.isNew,
    persistent: state.persistent,
  };
  return state.previousId === undefined ? info : { ...info, previousId: state.previousId };
}
