import type { Request } from 'express';
import type { Session, SessionData } from 'express-session';
import type { RequestContext } from './context.js';
import type { Runtime } from './runtime.js';
import type { SessionInfo } from './types.js';

/**
 * The library's state inside the express-session data, under `req.session.els`. Keys are short
 * because they are stored with every session (about 95 bytes of JSON, 140 with `p`).
 *
 * @example
 * ```ts
 * // Read it through getSessionInfo(req); the raw form is for store tooling and migrations.
 * const stored: StoredLogicalSession | undefined = req.session.els;
 * // { id: '3f2a…', g: 0, c: 1732252800000, a: 1732253400000 }
 * ```
 */
export interface StoredLogicalSession {
  /** The logical session ID. */
  id: string;
  /** Generation: how many times the ID has rotated; input of the derived ID. */
  g: number;
  /** Created at, epoch ms. */
  c: number;
  /** Last activity written, epoch ms (refreshed at most once per `touchInterval`). */
  a: number;
  /** Previous logical ID, when this session continues another. */
  p?: string;
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

export function isStored(value: unknown): value is StoredLogicalSession {
  if (typeof value !== 'object' || value === null) return false;
  const stored = value as Partial<StoredLogicalSession>;
  return typeof stored.id === 'string' && stored.id !== ''
    && Number.isSafeInteger(stored.g) && Number.isFinite(stored.c) && Number.isFinite(stored.a)
    && (stored.p === undefined || typeof stored.p === 'string');
}

export function toStored(state: RequestState): StoredLogicalSession {
  const stored: StoredLogicalSession = { id: state.context.sessionId, g: state.generation, c: state.createdAt, a: state.lastActivityAt };
  if (state.previousId !== undefined) stored.p = state.previousId;
  return stored;
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
