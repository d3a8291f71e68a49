import type { Request } from 'express';
import type { Session, SessionData } from 'express-session';
import type { RequestContext } from './context.js';
import { randomId } from './ids.js';
import type { Runtime } from './runtime.js';
import { encodeStored, readStored, type StoredFields, type StoredLogicalSession } from './stored-form.js';
import type { SessionInfo } from './types.js';

/** A live express-session session, with our typed state. */
export type LiveSession = Session & Partial<SessionData>;

/** Everything the library knows about one request's logical session; also its AsyncLocalStorage context. */
export interface RequestState extends RequestContext {
  readonly runtime: Runtime | undefined;
  createdAt: number;
  lastActivityAt: number;
  previousId: string | undefined;
  generation: number;
  isNew: boolean;
  persistent: boolean;
  /** Lazy mode: the ID is derived but not yet written into the session data. */
  pending: boolean;
}

type StateFields = Omit<RequestState, 'runtime' | keyof RequestContext>;

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
    sessionId,
    logParent: undefined,
    logChild: undefined,
    logBoundId: undefined,
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

/** The fields of a state, as they are stored. */
export function fieldsOf(state: RequestState): StoredFields {
  return {
    id: state.sessionId,
    generation: state.generation,
    createdAt: state.createdAt,
    lastActivityAt: state.lastActivityAt,
    previousId: state.previousId,
  };
}

/** The stored form of a state. */
export function toStored(state: RequestState): StoredLogicalSession {
  return encodeStored(fieldsOf(state));
}

/** What `getSessionInfo` returns for a state. */
export function toInfo(state: RequestState): SessionInfo {
  const info = {
    id: state.sessionId,
    createdAt: state.createdAt,
    lastActivityAt: state.lastActivityAt,
    generation: state.generation,
    isNew: state.isNew,
    persistent: state.persistent,
  };
  return state.previousId === undefined ? info : { ...info, previousId: state.previousId };
}
