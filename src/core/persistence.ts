import type { Request } from 'express';
import { ErrorCodes, LogicalSessionError } from './errors.js';
import { emitSessionStart } from './lifecycle.js';
import type { Runtime } from './runtime.js';
import { toStored, type LiveSession, type RequestState } from './session-state.js';

/**
 * Runs one callback-style express-session call (`save`, `regenerate`, `destroy`, `reload`) as a promise
 * that rejects with the store's own error.
 */
export function sessionCall(run: (done: (err?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    run((err) => {
      // A store may fail with any value; callers wrap it (storeFailed) or report it as it is.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      if (err) reject(err);
      else resolve();
    });
  });
}

/** The store failure of a session action, as the action's promise rejects with it (status 503). */
export function storeFailed(action: string, err: unknown): LogicalSessionError {
  const detail = err instanceof Error ? err.message : 'unknown error';
  return new LogicalSessionError(ErrorCodes.STORE_FAILED, `${action}: the session store failed: ${detail}`, {
    cause: err,
    status: 503,
  });
}

/**
 * Writes the state into the session data and saves the session now. Every write of the library goes
 * through here. Saving before the route runs is what keeps a slow request that only reads the session
 * from writing its stale copy over data another request saved meanwhile: express-session records the
 * save, so it saves again at the end only if the route changes the session.
 */
export function persist(state: RequestState, session: LiveSession): Promise<void> {
  session.els = toStored(state);
  return sessionCall((done) => session.save(done));
}

/** Writes a pending (lazy) state into the session data and announces the session. */
export function materialize(runtime: Runtime, req: Request, state: RequestState, session: LiveSession): void {
  if (!state.pending) return;
  state.pending = false;
  session.els = toStored(state);
  emitSessionStart(runtime, req, state, 'new');
}

/**
 * Lazy mode: write our state only when something else saves the session, by wrapping the session's own
 * `save` (which express-session calls at the end of the request, and apps call directly), so an untouched
 * session stays unsaved and cookie-less.
 */
export function storeOnFirstSave(runtime: Runtime, req: Request, session: LiveSession, state: RequestState): void {
  const save = session.save.bind(session);
  Object.defineProperty(session, 'save', {
    configurable: true,
    enumerable: false,
    writable: true,
    value: function saveWithLogicalState(this: LiveSession, callback?: (err?: unknown) => void): LiveSession {
      materialize(runtime, req, state, this);
      return save(callback);
    },
  });
}
