import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ErrorCodes, LogicalSessionError } from './errors.js';
import { handOn, writeThenHandOn } from './handoff.js';
import { moduleCore } from './lifecycle.js';
import { isExpressSession, sessionMiddlewareMounted } from './mounting.js';
import { endAndStartOver, startNewSession } from './new-session.js';
import { resolveOptions } from './options.js';
import { watchRegenerates } from './regenerate.js';
import {
  createRuntime,
  registerRuntime,
  reportFailure,
  safeLog,
  type LogicalSessionStats,
  type Runtime,
} from './runtime.js';
import { getState, requestScopedState, storedState, type LiveSession, type RequestState } from './session-state.js';
import { readStored } from './stored-form.js';
import { askPolicy, needsRepair, timeoutReason } from './timeouts.js';
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
  runtime.config.registry?.attach?.(moduleCore(runtime));
  let warnedForeignSession = false;

  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (getState(req)?.runtime) {
      next();
      return;
    }
    const session = req.session as LiveSession | undefined;
    if (session && isExpressSession(session)) {
      runtime.sessionSeen = true;
      watchRegenerates(runtime, req);
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
    safeLog(runtime, 'debug', { sessionId: state.sessionId }, 'session.request-scoped');
    handOn(runtime, req, res, next, state);
  };

  registerRuntime(middleware, runtime);
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
  const ended = runtime.endReason?.(stored.id);
  if (ended !== undefined) {
    endAndStartOver(runtime, req, res, next, stored.id, ended, now);
    return;
  }
  const state = storedState(runtime, req, stored);
  const reason = timeoutReason(config, stored, now);
  if (reason) {
    writeThenHandOn(runtime, req, res, next, state, { kind: 'rotate', reason }, now);
    return;
  }
  const policy = config.hooks.shouldRegenerate;
  if (!policy) {
    touchOrProceed(runtime, req, res, next, state, now);
    return;
  }
  askPolicy(runtime, req, state, policy, (policyReason) => {
    if (policyReason) {
      writeThenHandOn(runtime, req, res, next, state, { kind: 'rotate', reason: policyReason }, now);
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
      safeLog(runtime, 'debug', { sessionId: state.sessionId }, 'session.reuse');
    }
    handOn(runtime, req, res, next, state);
    return;
  }
  writeThenHandOn(runtime, req, res, next, state, { kind: 'touch' }, now);
}
