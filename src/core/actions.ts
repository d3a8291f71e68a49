import type { Request, Response } from 'express';
import { sessionCookieName } from './cookies.js';
import { ErrorCodes, LogicalSessionError } from './errors.js';
import { emitSessionEnd, emitSessionStart, regenerateRequestScoped, restartState, rotate } from './lifecycle.js';
import { materialize, persist, sessionCall, storeFailed } from './persistence.js';
import { regenerateBySelf } from './regenerate.js';
import { recordFailure, safeLog, type Runtime } from './runtime.js';
import { stateOf, type LiveSession, type RequestState } from './session-state.js';

interface LiveSessionOf {
  readonly runtime: Runtime;
  readonly state: RequestState;
  readonly session: LiveSession;
}

/** The request's live session, or a rejection-worthy error saying why there is none. */
function requireLiveSession(req: Request, action: string): LiveSessionOf {
  const state = stateOf(req);
  const session = req.session as LiveSession | undefined;
  if (!state.runtime || !session || !state.persistent) {
    throw new LogicalSessionError(
      ErrorCodes.NO_SESSION,
      `${action}(req) needs a usable session: mount session() and logicalSession() before this route (or the session store may be down).`,
      { status: 503 },
    );
  }
  return { runtime: state.runtime, state, session };
}

/** One session call of an action, its store failure wrapped as `ERR_ELS_STORE_FAILED`. */
async function storeStep(action: string, step: Promise<void>): Promise<void> {
  try {
    await step;
  } catch (err) {
    throw storeFailed(action, err);
  }
}

/** Keeps the exposed header in step when a request changes its ID after the middleware ran. */
function syncExposedHeader(req: Request, runtime: Runtime): void {
  const header = runtime.config.exposeHeader;
  const res = req.res;
  if (header !== undefined && res && !res.headersSent) res.setHeader(header, stateOf(req).sessionId);
}

/**
 * Starts a new logical session in the same cookie session: a new ID, all session data kept (the
 * user begins a new workflow). Fires end(old) and start(new, previousId = old). The change is
 * saved straight away. On a request without a usable session, only the request-scoped ID changes.
 *
 * @example
 * ```ts
 * app.post('/wizard/start-over', (req, res) => {
 *   const id = regenerateSessionId(req, 'wizard-restart');
 *   res.json({ sessionId: id });
 * });
 * ```
 */
export function regenerateSessionId(req: Request, reason = 'regenerate'): string {
  const state = stateOf(req);
  const session = req.session as LiveSession | undefined;
  const runtime = state.runtime;
  if (!runtime || !session || !state.persistent) return regenerateRequestScoped(state);
  materialize(runtime, req, state, session);
  rotate(runtime, req, state, reason, runtime.config.now());
  persist(state, session).catch((err: unknown) => {
    const fields = { sessionId: state.sessionId };
    recordFailure(
      runtime,
      'storeFailures',
      'express-logical-session: saving the regenerated ID failed',
      err,
      fields,
      req,
    );
  });
  syncExposedHeader(req, runtime);
  return state.sessionId;
}

/**
 * A fresh start: a new cookie session (express-session `regenerate`), all data cleared, and a new
 * logical ID whose `previousId` is the old one. Resolves with the new ID after the new session is
 * saved; rejects with a `LogicalSessionError` (`ERR_ELS_NO_SESSION`, `ERR_ELS_STORE_FAILED`).
 *
 * @example
 * ```ts
 * app.post('/reset', async (req, res, next) => {
 *   try { res.json({ sessionId: await restartSession(req) }); } catch (err) { next(err); }
 * });
 * ```
 */
export async function restartSession(req: Request): Promise<string> {
  const { runtime, state, session } = requireLiveSession(req, 'restartSession');
  const wasAnnounced = !state.pending;
  regenerateBySelf(req);
  await storeStep(
    'restartSession',
    sessionCall((done) => session.regenerate(done)),
  );
  const now = runtime.config.now();
  const previousId = restartState(runtime, req, state, now);
  await storeStep('restartSession', persist(state, req.session));
  if (wasAnnounced) emitSessionEnd(runtime, req, previousId, 'restart', now);
  emitSessionStart(runtime, req, state, 'restart');
  syncExposedHeader(req, runtime);
  return state.sessionId;
}

/**
 * Session-fixation defence for login or any privilege change: a new cookie session ID, with the
 * session data and the logical ID kept. The old cookie stops working at once (its session is
 * destroyed in the store). Resolves after the new session is saved.
 *
 * @example
 * ```ts
 * app.post('/login', async (req, res, next) => {
 *   const user = await authenticate(req.body);
 *   await rotateSessionCookie(req);
 *   req.session.userId = user.id;
 *   res.redirect('/');
 * });
 * ```
 */
export async function rotateSessionCookie(req: Request): Promise<void> {
  const { runtime, state, session } = requireLiveSession(req, 'rotateSessionCookie');
  materialize(runtime, req, state, session);
  const data: Record<string, unknown> = Object.fromEntries(
    Object.entries(session).filter(([key]) => key !== 'cookie' && key !== 'els'),
  );
  regenerateBySelf(req);
  await storeStep(
    'rotateSessionCookie',
    sessionCall((done) => session.regenerate(done)),
  );
  const fresh: LiveSession = req.session;
  Object.assign(fresh, data);
  await storeStep('rotateSessionCookie', persist(state, fresh));
  safeLog(runtime, 'info', { sessionId: state.sessionId }, 'session.cookie-rotated');
}

/**
 * Logout: fires end (reason `logout`), destroys the session in the store and clears the cookie.
 * The rest of the request keeps the ended ID for its logs. Rejects with a `LogicalSessionError`
 * when there is no usable session or the store fails.
 *
 * @example
 * ```ts
 * app.post('/logout', async (req, res, next) => {
 *   try { await endSession(req, res); res.redirect('/'); } catch (err) { next(err); }
 * });
 * ```
 */
export async function endSession(req: Request, res?: Response): Promise<void> {
  const { runtime, state, session } = requireLiveSession(req, 'endSession');
  const name = sessionCookieName(req);
  const { path, domain, secure, sameSite, httpOnly } = session.cookie;
  await storeStep(
    'endSession',
    sessionCall((done) => session.destroy(done)),
  );
  state.persistent = false;
  if (!state.pending) emitSessionEnd(runtime, req, state.sessionId, 'logout', runtime.config.now());
  const response = res ?? req.res;
  if (name !== undefined && response && !response.headersSent) {
    response.clearCookie(name, { path: path ?? '/', domain, secure: secure === true, sameSite, httpOnly });
  }
}
