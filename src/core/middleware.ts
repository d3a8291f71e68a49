import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { runInContext } from './context.js';
import { clientSentSession } from './cookies.js';
import { ErrorCodes, LogicalSessionError } from './errors.js';
import { emitSessionStart, emitTouch, generateId, rotate } from './lifecycle.js';
import { bindRequestLogger } from './logging.js';
import { resolveOptions } from './options.js';
import { persist, storeOnFirstSave } from './persistence.js';
import { createRuntime, recordFailure, safeLog, type LogicalSessionStats, type Runtime } from './runtime.js';
import { askPolicy, timeoutReason } from './timeouts.js';
import {
  getState,
  newState,
  readStored,
  requestScopedState,
  storedState,
  type LiveSession,
  type RequestState,
} from './session-state.js';
import type { LogicalSessionOptions } from './types.js';

/**
 * The middleware `logicalSession()` returns, with its counters and a way to flush activity.
 *
 * @example
 * ```ts
 * const logical: LogicalSessionMiddleware = logicalSession({ activity: store });
 * app.use(logical);
 * app.get('/healthz', (req, res) => res.json(logical.stats));
 * process.on('SIGTERM', () => void logical.close().then(() => process.exit(0)));
 * ```
 */
export interface LogicalSessionMiddleware extends RequestHandler {
  /** Live counters: sessions started and ended, hook, store and logger failures. */
  readonly stats: Readonly<LogicalSessionStats>;
  /** Flushes buffered activity records and closes the activity sinks (call on shutdown). */
  close(): Promise<void>;
}

const NOT_MOUNTED_MESSAGE =
  'logicalSession() found no req.session. Mount express-session first: app.use(session({ secret, resave: false, saveUninitialized: false })); app.use(logicalSession()).';

/**
 * Middleware that gives every request a logical session ID. Mount it after express-session's
 * `session()`. It ensures the ID, enforces idle and absolute timeouts, refreshes `lastActivityAt`
 * at most once per `touchInterval` (persisting that change at the start of the request so a slow
 * request never overwrites data written meanwhile), runs the rest of the request inside an
 * AsyncLocalStorage context, binds the ID into `req.log`, and fires the lifecycle hooks.
 *
 * @throws {LogicalSessionError} at creation, for bad options (the message names the option and the fix).
 * @example
 * ```ts
 * app.use(session({ secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false }));
 * app.use(logicalSession({ idleTimeout: '30m', logger }));
 * app.get('/', (req, res) => res.send(`session ${getSessionId(req)}`));
 * ```
 */
export function logicalSession(options?: LogicalSessionOptions): LogicalSessionMiddleware {
  // arguments.length detects app.use(logicalSession), which Express calls with (req, res, next).
  const runtime = createRuntime(resolveOptions(options, arguments.length));

  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (getState(req)?.runtime) {
      next();
      return;
    }
    const session = req.session as LiveSession | undefined;
    if (!session) {
      if (!runtime.sessionSeen) {
        next(new LogicalSessionError(ErrorCodes.SESSION_NOT_MOUNTED, NOT_MOUNTED_MESSAGE));
        return;
      }
      runtime.stats.requestScoped++;
      const state = requestScopedState(runtime, req, runtime.config.now());
      safeLog(
        runtime,
        'warn',
        { sessionId: state.context.sessionId },
        'express-session gave no session (store disconnected?); using a request-scoped logical session ID',
      );
      proceed(runtime, req, res, next, state);
      return;
    }
    runtime.sessionSeen = true;
    prepare(runtime, req, res, next, session);
  };

  return Object.assign(middleware, {
    stats: runtime.stats,
    close: async () => {
      await runtime.dispatcher?.close();
    },
  });
}

function prepare(runtime: Runtime, req: Request, res: Response, next: NextFunction, session: LiveSession): void {
  const { config } = runtime;
  const now = config.now();
  const stored = readStored(session.els);
  if (stored === undefined) {
    if (session.els !== undefined) {
      safeLog(
        runtime,
        'warn',
        {},
        'express-logical-session: session data under `els` is malformed; starting a new logical session',
      );
    }
    startNewSession(runtime, req, res, next, session, now);
    return;
  }

  const state = storedState(runtime, req, stored);
  const reason = timeoutReason(runtime.config, stored, now);
  if (reason) {
    rotate(runtime, req, state, reason, now);
    persistThenProceed(runtime, req, res, next, state);
    return;
  }
  const policy = config.hooks.shouldRegenerate;
  if (!policy) {
    touchOrProceed(runtime, req, res, next, state, now);
    return;
  }
  askPolicy(runtime, req, state, policy, (policyReason) => {
    if (policyReason) {
      rotate(runtime, req, state, policyReason, now);
      persistThenProceed(runtime, req, res, next, state);
    } else {
      touchOrProceed(runtime, req, res, next, state, now);
    }
  });
}

function touchOrProceed(
  runtime: Runtime,
  req: Request,
  res: Response,
  next: NextFunction,
  state: RequestState,
  now: number,
): void {
  if (now - state.lastActivityAt < runtime.config.touchInterval) {
    if (runtime.config.logger?.isLevelEnabled?.('debug') !== false) {
      safeLog(runtime, 'debug', { sessionId: state.context.sessionId }, 'session.reuse');
    }
    proceed(runtime, req, res, next, state);
    return;
  }
  const { recentTouches } = runtime;
  const touched = recentTouches.get(state.context.sessionId);
  if (touched !== undefined && now - touched < runtime.config.touchInterval) {
    // Another request of this process has just written a fresh lastActivityAt for this session:
    // a burst at the touch boundary costs one write per process, not one per request.
    state.lastActivityAt = touched;
    proceed(runtime, req, res, next, state);
    return;
  }
  recentTouches.set(state.context.sessionId, now);
  state.lastActivityAt = now;
  emitTouch(runtime, req, state);
  persistThenProceed(runtime, req, res, next, state);
}

function startNewSession(
  runtime: Runtime,
  req: Request,
  res: Response,
  next: NextFunction,
  session: LiveSession,
  now: number,
): void {
  const state = newState(runtime, req, generateId(runtime, req, 0), {
    createdAt: now,
    lastActivityAt: now,
    previousId: undefined,
    generation: 0,
    isNew: true,
    persistent: true,
    pending: runtime.config.lazy,
  });
  if (state.pending) {
    storeOnFirstSave(runtime, req, session, state);
    proceed(runtime, req, res, next, state);
    return;
  }
  if (clientSentSession(req)) {
    emitSessionStart(runtime, req, state, 'new');
    // An existing stored session gains our state: persist now, or the end-of-request save would
    // write this request's stale copy over changes other requests made meanwhile.
    persistThenProceed(runtime, req, res, next, state);
    return;
  }
  // A brand-new session is saved now rather than at the end of the request: a store that is down
  // must be found out before the response hands out a cookie and an ID that were never stored.
  persist(state, session).then(
    () => {
      emitSessionStart(runtime, req, state, 'new');
      proceed(runtime, req, res, next, state);
    },
    (err: unknown) => {
      // Without req.session, express-session neither sets the cookie nor retries the save.
      (req as { session?: unknown }).session = undefined;
      const scoped = requestScopedState(runtime, req, now);
      recordFailure(
        runtime,
        'storeFailures',
        'express-logical-session: storing a new session failed; answering 503',
        err,
        {
          sessionId: scoped.context.sessionId,
        },
      );
      next(
        new LogicalSessionError(
          ErrorCodes.STORE_FAILED,
          'The session store is unavailable: the new session could not be stored.',
          {
            cause: err,
            status: 503,
          },
        ),
      );
    },
  );
}

/** Persists the state before the route runs (see `persist`); a failing store is reported, and the request goes on. */
function persistThenProceed(
  runtime: Runtime,
  req: Request,
  res: Response,
  next: NextFunction,
  state: RequestState,
): void {
  persist(state, req.session).then(
    () => proceed(runtime, req, res, next, state),
    (err: unknown) => {
      recordFailure(
        runtime,
        'storeFailures',
        'express-logical-session: saving the session failed; the request goes on',
        err,
        {
          sessionId: state.context.sessionId,
        },
      );
      proceed(runtime, req, res, next, state);
    },
  );
}

function proceed(runtime: Runtime, req: Request, res: Response, next: NextFunction, state: RequestState): void {
  const header = runtime.config.exposeHeader;
  if (header !== undefined) res.setHeader(header, state.context.sessionId);
  if (runtime.config.logger) bindRequestLogger(req, runtime.config.logger, state.context);
  if (runtime.config.asyncContext) {
    runInContext(state.context, req, next);
  } else {
    next();
  }
}
