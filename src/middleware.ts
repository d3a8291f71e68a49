import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { runInContext } from './context.js';
import { ErrorCodes, LogicalSessionError } from './errors.js';
import { randomId } from './ids.js';
import { emitSessionStart, generateId, rotate } from './lifecycle.js';
import { bindRequestLogger } from './logging.js';
import { resolveOptions } from './options.js';
import { createRuntime, recordFailure, safeLog, type LogicalSessionStats, type Runtime } from './runtime.js';
import {
  getState,
  readStored,
  setState,
  toInfo,
  toStored,
  type LiveSession,
  type RequestState,
  type StoredFields,
} from './session-state.js';
import type { LogicalSessionOptions, SessionReason } from './types.js';

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
  const runtime = createRuntime(resolveOptions(options, arguments.length - 1));

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

function newState(
  runtime: Runtime | undefined,
  req: Request,
  sessionId: string,
  fields: Omit<RequestState, 'runtime' | 'context'>,
): RequestState {
  // One literal with a fixed shape (no spread of a second object). Nothing in it points back to
  // `req`: that back-reference alone made each request's garbage cost 13-16 µs more to collect
  // (bench/FINDINGS.md).
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
  setState(req, state);
  return state;
}

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

export function storedState(runtime: Runtime | undefined, req: Request, stored: StoredFields): RequestState {
  return newState(runtime, req, stored.id, {
    createdAt: stored.c,
    lastActivityAt: stored.a,
    previousId: stored.p,
    generation: stored.g,
    isNew: false,
    persistent: true,
    pending: false,
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
  const reason = timeoutReason(runtime, stored, now);
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

function timeoutReason(runtime: Runtime, stored: StoredFields, now: number): SessionReason | undefined {
  const { absoluteTimeout, idleTimeout } = runtime.config;
  if (absoluteTimeout !== false && now - stored.c >= absoluteTimeout) return 'absolute-timeout';
  if (idleTimeout !== false && now - stored.a >= idleTimeout) return 'idle-timeout';
  return undefined;
}

/** Calls `shouldRegenerate`; a throw, rejection or non-string answer means "keep the ID". */
function askPolicy(
  runtime: Runtime,
  req: Request,
  state: RequestState,
  policy: NonNullable<Runtime['config']['hooks']['shouldRegenerate']>,
  decide: (reason: string | undefined) => void,
): void {
  const failed = (err: unknown): void => {
    recordFailure(
      runtime,
      'hookFailures',
      'express-logical-session: hook shouldRegenerate failed; keeping the ID',
      err,
      { hook: 'shouldRegenerate' },
    );
  };
  const accept = (answer: unknown): string | undefined =>
    typeof answer === 'string' && answer !== '' ? answer : undefined;
  let answer: unknown;
  try {
    answer = policy(toInfo(state), req);
  } catch (err) {
    failed(err);
    decide(undefined);
    return;
  }
  if (answer instanceof Promise) {
    answer.then(
      (value: unknown) => decide(accept(value)),
      (err: unknown) => {
        failed(err);
        decide(undefined);
      },
    );
    return;
  }
  decide(accept(answer));
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
  session.els = toStored(state);
  session.save((err?: unknown) => {
    if (err) {
      // Without req.session, express-session neither sets the cookie nor retries the save.
      (req as { session?: unknown }).session = undefined;
      const scoped = requestScopedState(runtime, req, now);
      recordFailure(
        runtime,
        'storeFailures',
        'express-logical-session: storing a new session failed; answering 503',
        err,
        { sessionId: scoped.context.sessionId },
      );
      next(
        new LogicalSessionError(
          ErrorCodes.STORE_FAILED,
          'The session store is unavailable: the new session could not be stored.',
          { cause: err, status: 503 },
        ),
      );
      return;
    }
    emitSessionStart(runtime, req, state, 'new');
    proceed(runtime, req, res, next, state);
  });
}

/**
 * Whether the client sent the cookie of this session, i.e. it was loaded from the store rather
 * than just generated. express-session does not expose this; the (possibly signed and
 * URL-encoded) cookie value contains the session ID verbatim for its default ID alphabet.
 */
function clientSentSession(req: Request): boolean {
  const cookie = req.headers.cookie;
  return cookie !== undefined && cookie.includes(req.sessionID);
}

/**
 * Lazy mode: write our state only when something else saves the session, by wrapping the
 * session's own `save` (which express-session calls at the end of the request, and apps call
 * directly), so an untouched session stays unsaved and cookie-less.
 */
function storeOnFirstSave(runtime: Runtime, req: Request, session: LiveSession, state: RequestState): void {
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

/** Writes a pending (lazy) state into the session data and announces the session. */
export function materialize(runtime: Runtime, req: Request, state: RequestState, session: LiveSession): void {
  if (!state.pending) return;
  state.pending = false;
  session.els = toStored(state);
  emitSessionStart(runtime, req, state, 'new');
}

/**
 * Writes our state and saves the session before the route runs. Saving at the start (rather than
 * letting express-session save at the end) is what keeps a slow read-only request from writing
 * its stale copy over data another request saved meanwhile; express-session records the save, so
 * it will not save again at the end unless the route changes the session.
 */
function persistThenProceed(
  runtime: Runtime,
  req: Request,
  res: Response,
  next: NextFunction,
  state: RequestState,
): void {
  const session: LiveSession = req.session;
  session.els = toStored(state);
  session.save((err?: unknown) => {
    if (err) {
      recordFailure(
        runtime,
        'storeFailures',
        'express-logical-session: saving the session failed; the request goes on',
        err,
        { sessionId: state.context.sessionId },
      );
    }
    proceed(runtime, req, res, next, state);
  });
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
