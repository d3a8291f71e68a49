import type { Request } from 'express';
import type { Session, SessionData } from 'express-session';
import type { RequestContext } from './context.js';
import { isUsableId, randomId } from './ids.js';
import type { Runtime } from './runtime.js';
import type { SessionInfo } from './types.js';

/**
 * The library's state inside the express-session data, under `req.session.els`: one string, because
 * express-session serializes and hashes the whole session on every request and a short string is the
 * cheapest thing to carry. Space-separated, numbers in base 36:
 * `"<generation> <createdAt ms> <lastActivityAt ms> <id>[ <previousId>]"`. With a default ID it adds 65
 * bytes to the stored session JSON, about 100 with a previous ID. The IDs are stored verbatim, so a
 * logical ID can be searched for in the store.
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
  /** How many times the ID has rotated in this cookie session; an input of the derived ID. */
  readonly generation: number;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Last activity written, epoch ms (refreshed at most once per `touchInterval`). */
  readonly lastActivityAt: number;
  /** The logical ID this session continues, if any. */
  readonly previousId: string | undefined;
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

type StateFields = Omit<RequestState, 'runtime' | 'context'>;

// Kept beside the request rather than on it: adding a property to Node's request object (which
// already has dozens) reallocates its property store on every request.
const STATES = new WeakMap<Request, RequestState>();

/** The state `logicalSession()` (or a fallback) attached to this request, if any. */
export function getState(req: Request): RequestState | undefined {
  return STATES.get(req);
}

/** Creates the request's state and attaches it to the request. */
export function newState(
  runtime: Runtime | undefined,
  req: Request,
  sessionId: string,
  fields: StateFields,
): RequestState {
  // One literal with a fixed shape. Nothing in it points back to `req`: a back-reference makes
  // every request's garbage costlier to collect.
  const state: RequestState = {
    runtime,
    context: { sessionId, log: undefined },
    createdAt: fields.createdAt,
    lastActivityAt: fields.lastActivityAt,
    previousId: fields.previousId,
    generation: fields.generation,
    isNew: fields.isNew,
    persistent: fields.persistent,
    pending: fields.pending,
  };
  STATES.set(req, state);
  return state;
}

/** A random ID that lives as long as the request: there is no usable session to keep one in. */
export function requestScopedState(runtime: Runtime | undefined, req: Request, now: number): RequestState {
  return newState(runtime, req, randomId(), {
    createdAt: now,
    lastActivityAt: now,
    previousId: undefined,
    generation: 0,
    isNew: true,
    persistent: false,
    pending: false,
  });
}

/** The state of a session that already holds our stored form. */
export function storedState(runtime: Runtime | undefined, req: Request, stored: StoredFields): RequestState {
  return newState(runtime, req, stored.id, {
    createdAt: stored.createdAt,
    lastActivityAt: stored.lastActivityAt,
    previousId: stored.previousId,
    generation: stored.generation,
    isNew: false,
    persistent: true,
    pending: false,
  });
}

/**
 * The request's state; when `logicalSession()` did not run for it (an error raised before it, a
 * route mounted ahead of it), the stored ID if the session has one, else a request-scoped ID.
 */
export function stateOf(req: Request): RequestState {
  const state = STATES.get(req);
  if (state) return state;
  const stored = readStored((req.session as { els?: unknown } | undefined)?.els);
  return stored ? storedState(undefined, req, stored) : requestScopedState(undefined, req, Date.now());
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
 * Decodes `req.session.els`; `undefined` when it is missing or not in the stored format. It runs on
 * every request, hence the scan by hand instead of a capturing regular expression.
 */
export function readStored(value: unknown): StoredFields | undefined {
  if (typeof value !== 'string') return undefined;
  const first = value.indexOf(' ');
  const second = value.indexOf(' ', first + 1);
  const third = second < 0 ? -1 : value.indexOf(' ', second + 1);
  if (first < 0 || third < 0) return undefined;
  const generation = base36At(value, 0, first);
  const createdAt = base36At(value, first + 1, second);
  const lastActivityAt = base36At(value, second + 1, third);
  if (generation < 0 || createdAt < 0 || lastActivityAt < 0) return undefined;
  const fourth = value.indexOf(' ', third + 1);
  const id = fourth < 0 ? value.slice(third + 1) : value.slice(third + 1, fourth);
  const previousId = fourth < 0 ? undefined : value.slice(fourth + 1);
  // IDs are 1-128 visible ASCII characters (ids.ts), so a space cannot occur inside one.
  if (!isUsableId(id) || (previousId !== undefined && !isUsableId(previousId))) return undefined;
  return { id, generation, createdAt, lastActivityAt, previousId };
}

/** Whole non-negative milliseconds in base 36 (a custom clock may return fractions). */
function base36(value: number): string {
  return Math.max(0, Math.trunc(value)).toString(36);
}

/** The stored form of a state. */
export function toStored(state: RequestState): StoredLogicalSession {
  const head = `${base36(state.generation)} ${base36(state.createdAt)} ${base36(state.lastActivityAt)}`;
  const withId = `${head} ${state.context.sessionId}`;
  return (state.previousId === undefined ? withId : `${withId} ${state.previousId}`) as StoredLogicalSession;
}

/** What `getSessionInfo` returns for a state. */
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
