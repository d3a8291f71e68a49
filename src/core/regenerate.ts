import type { Request } from 'express';
import { emitSessionEnd, emitSessionStart, restartState } from './lifecycle.js';
import { materialize, storeOnFirstSave } from './persistence.js';
import { safeLog, type Runtime } from './runtime.js';
import { getState, toStored, type LiveSession, type RequestState } from './session-state.js';

/**
 * What replacing the cookie session (express-session `req.session.regenerate()`) does to the logical
 * one. A login keeps it (the cookie changes, the old one stops working, the ID and its chain go on); a
 * logout ends it (reason `logout`), and the next request starts a new one; any other regenerate restarts
 * it (reason `restart`: a new ID linked to the old one by `previousId`, as `restartSession` does).
 * Passport 0.6+ regenerates in `req.login` and `req.logout`; its session manager is recognised once per
 * prototype, the store once per instance, so requests pay two pointer comparisons.
 */

type Intent = 'login' | 'logout' | 'inferred-logout' | 'restart' | 'self';
type RegenerateFn = (req: Request, callback: (err?: unknown) => void) => void;

interface SessionStoreLike {
  regenerate: RegenerateFn;
}

interface PassportManager {
  logIn: (this: unknown, req: Request, user: unknown, options: unknown, callback: (err?: unknown) => void) => void;
  logOut: (this: unknown, req: Request, options: unknown, callback: (err?: unknown) => void) => void;
}

// Private to this copy of the library (not Symbol.for): an ESM and a CommonJS copy each wrap once and
// each handles only the requests of its own middlewares.
const WRAPPED = Symbol('express-logical-session.regenerate');
const intents = new WeakMap<Request, Intent>();

/** Our own actions regenerate and handle the result themselves: the next regenerate passes through. */
export function regenerateBySelf(req: Request): void {
  intents.set(req, 'self');
}

/** Wraps the request's store and passport's session manager the first time this middleware sees them. */
export function watchRegenerates(runtime: Runtime, req: Request): void {
  const { sessionStore: store, _sessionManager: manager } = req as {
    sessionStore?: SessionStoreLike;
    _sessionManager?: PassportManager;
  };
  if (store !== undefined && store !== runtime.watched.store) {
    wrapStore(store);
    runtime.watched.store = store;
  }
  if (manager !== undefined && manager !== runtime.watched.passport) {
    wrapPassport(manager);
    runtime.watched.passport = manager;
  }
}

function once(target: object): boolean {
  if (Object.hasOwn(target, WRAPPED)) return false;
  Object.defineProperty(target, WRAPPED, { value: true });
  return true;
}

function wrapStore(store: SessionStoreLike): void {
  if (!once(store)) return;
  const original = store.regenerate.bind(store);
  const regenerate: RegenerateFn = (req, callback) => {
    const intent = intents.get(req) ?? inferIntent(req);
    intents.delete(req);
    const state = getState(req);
    const old = req.session as LiveSession | undefined;
    if (intent === 'self' || intent === 'logout' || !state?.runtime || !state.persistent || old === undefined) {
      original(req, callback);
      return;
    }
    const runtime = state.runtime;
    original(req, (err?: unknown) => {
      const fresh = req.session as LiveSession | undefined;
      // express-session generates a new session even when destroying the old one failed.
      if (fresh !== undefined && fresh !== old) {
        if (intent === 'inferred-logout') endAfterLogout(runtime, req, state, old);
        else continueInFresh(runtime, req, state, old, fresh, err ? 'restart' : intent);
      }
      callback(err);
    });
  };
  Object.defineProperty(store, 'regenerate', {
    configurable: true,
    enumerable: false,
    writable: true,
    value: regenerate,
  });
}

/**
 * The intent of a regenerate nobody announced. Passport's manager seen only now (its middleware runs
 * after ours) is wrapped for next time; this once, passport's own state tells: `req.login` has set the
 * user, `req.logout` has cleared it.
 */
function inferIntent(req: Request): Intent {
  const passport = req as unknown as { _sessionManager?: PassportManager; _userProperty?: string } & Record<
    string,
    unknown
  >;
  if (passport._sessionManager === undefined) return 'restart';
  wrapPassport(passport._sessionManager);
  if (passport[passport._userProperty ?? 'user'] != null) return 'login';
  const data = (req.session as { passport?: { user?: unknown } } | undefined)?.passport;
  return data !== undefined && data.user === undefined ? 'inferred-logout' : 'restart';
}

/** The logical session ends with the logout; the rest of the request keeps the ended ID for its logs. */
function endAfterLogout(runtime: Runtime, req: Request, state: RequestState, old: LiveSession): void {
  // keepSessionInfo copies the old session into the new one after this: it must not carry the ID on.
  delete old.els;
  if (!state.pending) emitSessionEnd(runtime, req, state.sessionId, 'logout', runtime.config.now());
  state.persistent = false;
  state.pending = false;
}

function continueInFresh(
  runtime: Runtime,
  req: Request,
  state: RequestState,
  old: LiveSession,
  fresh: LiveSession,
  intent: Exclude<Intent, 'self' | 'logout'>,
): void {
  if (intent === 'login') {
    if (state.pending) materialize(runtime, req, state, fresh);
    fresh.els = toStored(state);
    // passport's keepSessionInfo copies the old session over the new one after this: make them agree.
    old.els = fresh.els;
    safeLog(runtime, 'info', { sessionId: state.sessionId }, 'session.cookie-rotated');
    return;
  }
  const wasPending = state.pending;
  const now = runtime.config.now();
  const previousId = restartState(runtime, req, state, now);
  if (wasPending) {
    // Lazy mode, nothing announced or written for the old ID: the new one waits for a save too.
    state.previousId = undefined;
    state.pending = true;
    storeOnFirstSave(runtime, req, fresh, state);
    return;
  }
  fresh.els = toStored(state);
  emitSessionEnd(runtime, req, previousId, 'restart', now);
  emitSessionStart(runtime, req, state, 'restart');
  const header = runtime.config.exposeHeader;
  if (header !== undefined && req.res && !req.res.headersSent) req.res.setHeader(header, state.sessionId);
}

function wrapPassport(manager: PassportManager): void {
  const proto = Object.getPrototypeOf(manager) as PassportManager | null;
  // Passport before 0.6 has logIn(req, user, cb) and logOut(req, cb) and does not regenerate.
  if (proto === null || proto.logIn.length !== 4 || proto.logOut.length !== 3 || !once(proto)) return;
  const { logIn, logOut } = proto;
  proto.logIn = function logInKeepingTheLogicalSession(req, user, options, callback) {
    intents.set(req, 'login'); // consumed by the regenerate passport calls right away
    logIn.call(this, req, user, options, (err?: unknown) => {
      intents.delete(req);
      callback(err);
    });
  };
  proto.logOut = function logOutEndingTheLogicalSession(req, options, callback) {
    const state = getState(req);
    const prev = req.session as LiveSession | undefined;
    if (prev === undefined || !state?.runtime || !state.persistent) {
      logOut.call(this, req, options, callback);
      return;
    }
    const runtime = state.runtime;
    const stored = prev.els;
    // Out before passport saves the old session: neither that save nor keepSessionInfo's copy into the
    // new session can carry the ended ID on.
    delete prev.els;
    intents.set(req, 'logout');
    logOut.call(this, req, options, (err?: unknown) => {
      intents.delete(req);
      if (req.session === prev) {
        prev.els ??= stored; // the save failed before regenerate: the same session goes on
      } else {
        endAfterLogout(runtime, req, state, prev);
      }
      callback(err);
    });
  };
}
