import type { Request, Response } from 'express';
import { ErrorCodes, LogicalSessionError } from './errors.js';
import { randomId } from './ids.js';
import { emitSessionEnd, emitSessionStart, generateId, rotate } from './lifecycle.js';
import { materialize } from './middleware.js';
import { recordFailure, safeLog, type Runtime } from './runtime.js';
import { stateOf } from './session-id.js';
import { toStored, type LiveSession, type RequestState } from './session-state.js';

interface Active {
  readonly runtime: Runtime;
  readonly state: RequestState;
  readonly session: LiveSession;
}

/** The request's live session, or a rejection-worthy error saying why there is none. */
function active(req: Request, action: string): Active {
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

/** Runs a callback-style express-session method as a promise, wrapping store errors. */
function storeCall(action: string, run: (done: (err?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    run((err) => {
      if (err) {
        reject(
          new LogicalSessionError(
            ErrorCodes.STORE_FAILED,
            `${action}: the session store failed: ${err instanceof Error ? err.message : 'unknown error'}`,
            { cause: err, status: 503 },
          ),
        );
      } else {
        resolve();
      }
    });
  });
}

/** Keeps the exposed header in step when a request changes its ID after the middleware ran. */
function announce(req: Request, runtime: Runtime): void {
  const header = runtime.config.exposeHeader;
  const res = req.res;
  if (header !== undefined && res && !res.headersSent) res.setHeader(header, stateOf(req).context.sessionId);
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
  if (!runtime || !session || !state.persistent) {
    state.previousId = state.context.sessionId;
    state.context.sessionId = randomId();
    return state.context.sessionId;
  }
  materialize(runtime, req, state, session);
  rotate(runtime, req, state, reason, runtime.config.now());
  session.els = toStored(state);
  session.save((err?: unknown) => {
    if (err) {
      recordFailure(runtime, 'storeFailures', 'express-logical-session: saving the regenerated ID failed', err, {
        sessionId: state.context.sessionId,
      });
    }
  });
  announce(req, runtime);
  return state.context.sessionId;
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
  const { runtime, state, session } = active(req, 'restartSession');
  const oldId = state.context.sessionId;
  const wasAnnounced = !state.pending;
  await storeCall('restartSession', (done) => session.regenerate(done));
  const fresh: LiveSession = req.session;
  const now = runtime.config.now();
  Object.assign(state, {
    generation: 0,
    previousId: oldId,
    createdAt: now,
    lastActivityAt: now,
    isNew: true,
    pending: false,
  });
  state.context.sessionId = generateId(runtime, req, 0);
  fresh.els = toStored(state);
  await storeCall('restartSession', (done) => fresh.save(done));
  if (wasAnnounced) emitSessionEnd(runtime, req, oldId, 'restart', now);
  emitSessionStart(runtime, req, state, 'restart');
  announce(req, runtime);
  return state.context.sessionId;
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
  const { runtime, state, session } = active(req, 'rotateSessionCookie');
  materialize(runtime, req, state, session);
  session.els = toStored(state);
  const data: Record<string, unknown> = Object.fromEntries(Object.entries(session).filter(([key]) => key !== 'cookie'));
  await storeCall('rotateSessionCookie', (done) => session.regenerate(done));
  const fresh: LiveSession = req.session;
  Object.assign(fresh, data);
  await storeCall('rotateSessionCookie', (done) => fresh.save(done));
  safeLog(runtime, 'info', { sessionId: state.context.sessionId }, 'session.cookie-rotated');
}

/** The name of the cookie that carries this session: the one whose value holds the session ID. */
function sessionCookieName(req: Request): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0) continue;
    let value = pair.slice(separator + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      continue;
    }
    if (value === req.sessionID || value.startsWith(`s:${req.sessionID}.`)) return pair.slice(0, separator).trim();
  }
  return undefined;
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
  const { runtime, state, session } = active(req, 'endSession');
  const name = sessionCookieName(req);
  const { path, domain, secure, sameSite, httpOnly } = session.cookie;
  await storeCall('endSession', (done) => session.destroy(done));
  state.persistent = false;
  if (!state.pending) emitSessionEnd(runtime, req, state.context.sessionId, 'logout', runtime.config.now());
  const response = res ?? req.res;
  if (name !== undefined && response && !response.headersSent) {
    response.clearCookie(name, { path: path ?? '/', domain, secure: secure === true, sameSite, httpOnly });
  }
}
