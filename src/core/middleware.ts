import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { runInContext } from './context.js';
import { clientSentSession } from './cookies.js';
import { ErrorCodes, LogicalSessionError } from './errors.js';
import { deriveSessionId, lifecycleEventId, recoveredGeneration } from './ids.js';
import { emitSessionStart, generateId } from './lifecycle.js';
import { bindRequestLogger } from './logging.js';
import { isExpressSession, sessionMiddlewareMounted } from './mounting.js';
import { resolveOptions } from './options.js';
import { persist, storeOnFirstSave } from './persistence.js';
import {
  createRuntime,
  recordFailure,
  reportFailure,
  safeLog,
  type LogicalSessionStats,
  type Runtime,
} from './runtime.js';
import {
  getState,
  newState,
  requestScopedState,
  storedState,
  type LiveSession,
  type RequestState,
} from './session-state.js';
import { readStored } from './stored-form.js';
import { askPolicy, needsRepair, timeoutReason } from './timeouts.js';
import { writeBeforeRoute, type EarlyChange } from './transitions.js';
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
  /** Live counters: sessions started and ended, hook, store and logger failures, activity records dropped. */
  readonly stats: Readonly<LogicalSessionStats>;
  /** Flushes buffered activity records and closes the activity sinks (call on shutdown); bounded by `writeTimeout`. */
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
  let warnedForeignSession = false;

  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (getState(req)?.runtime) {
      next();
      return;
    }
    const session = req.session as LiveSession | undefined;
    if (session && isExpressSession(session)) {
      runtime.sessionSeen = true;
      prepare(runtime, req, res, next, session);
      return;
    }
    if (session && !warnedForeignSession) {
      warnedForeignSession = true;
      reportFailure(
        runtime,
        'express-logical-session: req.session is not an express-session session (another middleware set it); serving request-scoped IDs',
        new TypeError('req.session has no save(), reload() and regenerate()'),
      );
    }
    if (!session && !runtime.sessionSeen && !sessionMiddlewareMounted(req)) {
      next(new LogicalSessionError(ErrorCodes.SESSION_NOT_MOUNTED, NOT_MOUNTED_MESSAGE));
      return;
    }
    // express-session skipped this request on purpose (a URL outside cookie.path, a disconnected store).
    runtime.stats.requestScoped++;
    const state = requestScopedState(runtime, req, runtime.config.now());
    safeLog(runtime, 'debug', { sessionId: state.context.sessionId }, 'session.request-scoped');
    proceed(runtime, req, res, next, state);
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
    startNewSession(runtime, req, res, next, session, now);
    return;
  }
  const state = storedState(runtime, req, stored);
  const reason = timeoutReason(config, stored, now);
  if (reason) {
    writeThenProceed(runtime, req, res, next, state, { kind: 'rotate', reason }, now);
    return;
  }
  const policy = config.hooks.shouldRegenerate;
  if (!policy) {
    touchOrProceed(runtime, req, res, next, state, now);
    return;
  }
  askPolicy(runtime, req, state, policy, (policyReason) => {
    if (policyReason) {
      writeThenProceed(runtime, req, res, next, state, { kind: 'rotate', reason: policyReason }, now);
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
  if (now - state.lastActivityAt < runtime.config.touchInterval && !needsRepair(runtime.config, state, now)) {
    if (runtime.config.logger?.isLevelEnabled?.('debug') !== false) {
      safeLog(runtime, 'debug', { sessionId: state.context.sessionId }, 'session.reuse');
    }
    proceed(runtime, req, res, next, state);
    return;
  }
  writeThenProceed(runtime, req, res, next, state, { kind: 'touch' }, now);
}

function writeThenProceed(
  runtime: Runtime,
  req: Request,
  res: Response,
  next: NextFunction,
  state: RequestState,
  change: EarlyChange,
  now: number,
): void {
  writeBeforeRoute(runtime, req, state, change, now)
    .then(() => proceed(runtime, req, res, next, state))
    .catch((err: unknown) =>
      reportFailure(runtime, 'express-logical-session: the request could not go on', err, {}, req),
    );
}

/**
 * The generation a session without usable stored state starts at: 0 for a session the library never saw,
 * a recovered one (never derived before) when the state was malformed or the first ID already ended.
 */
function firstGeneration(runtime: Runtime, req: Request, session: LiveSession, sent: boolean): number {
  const raw: unknown = session.els;
  if (raw !== undefined) {
    safeLog(
      runtime,
      'warn',
      {},
      'express-logical-session: session data under `els` is malformed; starting a new logical session',
    );
    return recoveredGeneration(req.sessionID, describeStored(raw));
  }
  const ended = sent && runtime.firedEvents.has(lifecycleEventId('session.end', deriveSessionId(req.sessionID, 0)));
  return ended ? recoveredGeneration(req.sessionID, 'ended') : 0;
}

function describeStored(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  try {
    // undefined for a function or a symbol, whatever the declared type says.
    const text = JSON.stringify(raw) as string | undefined;
    return text ?? typeof raw;
  } catch {
    return typeof raw;
  }
}

function startNewSession(
  runtime: Runtime,
  req: Request,
  res: Response,
  next: NextFunction,
  session: LiveSession,
  now: number,
): void {
  const sent = clientSentSession(req);
  const generation = firstGeneration(runtime, req, session, sent);
  const state = newState(runtime, req, generateId(runtime, req, generation), {
    createdAt: now,
    lastActivityAt: now,
    previousId: undefined,
    generation,
    isNew: true,
    persistent: true,
    pending: runtime.config.lazy,
  });
  if (state.pending) {
    storeOnFirstSave(runtime, req, session, state);
    proceed(runtime, req, res, next, state);
    return;
  }
  if (sent) {
    emitSessionStart(runtime, req, state, 'new');
    // An existing stored session gains our state: written now, on the freshest copy, or the
    // end-of-request save would write this request's stale copy over changes made meanwhile.
    writeThenProceed(runtime, req, res, next, state, { kind: 'adopt' }, now);
    return;
  }
  // A brand-new session is saved now rather than at the end of the request: a store that is down
  // must be found out before the response hands out a cookie and an ID that were never stored.
  persist(state, session).then(
    () => {
      emitSessionStart(runtime, req, state, 'new');
      proceed(runtime, req, res, next, state);
    },
    (err: unknown) => refuseUnstoredSession(runtime, req, res, next, err, now),
  );
}

/** The store could not keep a new session: answer 503 with a request-scoped ID and no cookie. */
function refuseUnstoredSession(
  runtime: Runtime,
  req: Request,
  res: Response,
  next: NextFunction,
  err: unknown,
  now: number,
): void {
  // Without req.session, express-session neither sets the cookie nor retries the save.
  (req as { session?: unknown }).session = undefined;
  const scoped = requestScopedState(runtime, req, now);
  const fields = { sessionId: scoped.context.sessionId };
  recordFailure(
    runtime,
    'storeFailures',
    'express-logical-session: storing a new session failed; answering 503',
    err,
    fields,
    req,
  );
  const header = runtime.config.exposeHeader;
  if (header !== undefined && !res.headersSent) res.setHeader(header, scoped.context.sessionId);
  const message = 'The session store is unavailable: the new session could not be stored.';
  next(new LogicalSessionError(ErrorCodes.STORE_FAILED, message, { cause: err, status: 503 }));
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
