import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import type { ActivityOptions } from './activity-options.js';
import type { ActivityRecord, ActivitySink } from './activity-types.js';
import type { Duration } from './duration.js';
import type { SessionEndEvent, SessionStartEvent } from './events.js';
import type { LogicalSessionModule } from './modules.js';

/**
 * What {@link getSessionInfo} returns. Dates are epoch milliseconds.
 *
 * @example
 * ```ts
 * const info: SessionInfo = getSessionInfo(req);
 * if (!info.persistent) res.setHeader('Retry-After', '5'); // the store is down: this ID lasts one request
 * const ageMs = Date.now() - info.createdAt;
 * ```
 */
export interface SessionInfo {
  /** The logical session ID. */
  readonly id: string;
  /** When this logical session began. */
  readonly createdAt: number;
  /** Last recorded activity; may lag real activity by up to `touchInterval`. */
  readonly lastActivityAt: number;
  /** The logical session this one replaced, if any. */
  readonly previousId?: string;
  /** How many times the ID has rotated within this cookie session's history (0 for the first). */
  readonly generation: number;
  /** `true` when the ID was created or rotated by this request. */
  readonly isNew: boolean;
  /** `false` when the request has no usable session and the ID lives only as long as the request. */
  readonly persistent: boolean;
}

/**
 * The minimal logger surface the library uses. A pino logger fits; so does anything with
 * these methods.
 *
 * @example
 * ```ts
 * import { pino } from 'pino';
 * const logger: LoggerLike = pino();
 * app.use(logicalSession({ logger }));
 * ```
 */
export interface LoggerLike {
  /** Session lifecycle events (`session.start`, `session.end`) and activity. */
  info(obj: object, msg?: string): void;
  /** Reuse of an existing logical session, on requests that need no store write. */
  debug(obj: object, msg?: string): void;
  /** Failures the request does not see: a hook, the store or a sink failed. */
  warn(obj: object, msg?: string): void;
  /** Errors answered by `sessionErrorHandler()`. */
  error(obj: object, msg?: string): void;
  /** A logger bound with `sessionId`, which becomes `req.log`. */
  child(bindings: Record<string, unknown>): LoggerLike;
  /** When present, lets the library skip the per-request `debug` line cheaply when that level is off. */
  isLevelEnabled?(level: string): boolean;
}

/**
 * The type of `req.log`: pino-http's `pino.Logger` when pino-http is installed (so the two declarations
 * agree), else {@link LoggerLike}. `logicalSession({ logger })` makes it a child bound with `sessionId`.
 *
 * @example
 * ```ts
 * app.get('/orders', (req, res) => {
 *   const log: RequestLogger = req.log;
 *   log.info({ count: 3 }, 'listing orders'); // carries sessionId
 * });
 * ```
 */
export type RequestLogger = IncomingMessage extends { log: infer PinoHttpLogger } ? PinoHttpLogger : LoggerLike;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's request type lives in this namespace
  namespace Express {
    interface Request {
      /** A logger bound with the logical `sessionId`, when `logicalSession()` has a `logger` (or pino-http's). */
      log: RequestLogger;
    }
  }
}

/**
 * What `enrichError` receives beside the body.
 *
 * @example
 * ```ts
 * enrichError: (body, context: EnrichErrorContext) =>
 *   context.status >= 500 ? { ...body, incident: `INC-${context.sessionId.slice(0, 8)}` } : body
 * ```
 */
export interface EnrichErrorContext {
  readonly err: unknown;
  readonly req: Request;
  readonly sessionId: string;
  readonly status: number;
}

/**
 * A value that may be returned directly or through a promise: every hook may be sync or async.
 *
 * @example
 * ```ts
 * const onActivity = (activity: ActivityRecord): MaybePromise<void> => queue.send(activity);
 * ```
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Lifecycle hooks. Each may be sync or async. A hook that throws or rejects never fails or delays
 * the request: the failure is logged (when a `logger` is set) and counted in `middleware.stats`.
 *
 * @example
 * ```ts
 * const hooks: LogicalSessionHooks = {
 *   onSessionStart: (event) => metrics.increment('sessions.started', { reason: event.reason }),
 *   onSessionEnd: (event) => metrics.increment('sessions.ended', { reason: event.reason }),
 *   shouldRegenerate: (info, req) => (req.path === '/checkout/start' ? 'policy' : false),
 * };
 * app.use(logicalSession({ hooks }));
 * ```
 */
export interface LogicalSessionHooks {
  /**
   * A logical session began: a new visitor, a rotation after a timeout or policy, or an explicit call.
   * @example
   * ```ts
   * onSessionStart: (e) => metrics.increment('sessions.started', { reason: e.reason })
   * ```
   */
  onSessionStart?: (event: SessionStartEvent, req: Request) => MaybePromise<void>;
  /**
   * A logical session ended (timeout, policy, regenerate, restart, logout, revoked, evicted, expired).
   * `req` is `undefined` for a session that ended without a request: one the registry's sweep found
   * expired.
   */
  onSessionEnd?: (event: SessionEndEvent, req: Request | undefined) => MaybePromise<void>;
  /**
   * Every `logActivity` call, plus `session.start` / `session.end` and handled errors. `req` is
   * `undefined` for the `session.end` of a session that ended without a request.
   */
  onActivity?: (activity: ActivityRecord, req: Request | undefined) => MaybePromise<void>;
  /**
   * Custom rotation policy, asked once per request that has a stored session: return a reason
   * string to rotate the ID now, or `false` to keep it. A throw counts as `false`.
   * @example
   * ```ts
   * shouldRegenerate: (info, req) => (req.path === '/checkout/start' ? 'policy' : false)
   * ```
   */
  shouldRegenerate?: (info: SessionInfo, req: Request) => MaybePromise<string | false | undefined>;
  /** Change the error body `sessionErrorHandler` sends: return the body to send. */
  enrichError?: (body: Record<string, unknown>, context: EnrichErrorContext) => MaybePromise<Record<string, unknown>>;
}

/**
 * Options of {@link logicalSession}. Every option is optional.
 *
 * @example
 * ```ts
 * const options: LogicalSessionOptions = {
 *   idleTimeout: '30m',
 *   absoluteTimeout: '12h',
 *   persist: 'lazy',
 *   logger: pino(),
 *   exposeHeader: 'X-Session-Id',
 * };
 * app.use(session({ secret, resave: false, saveUninitialized: false }));
 * app.use(logicalSession(options));
 * ```
 */
export interface LogicalSessionOptions {
  /**
   * Inactivity after which the next request gets a new logical ID (reason `idle-timeout`).
   * Milliseconds or a duration string; `false` disables. Defaults to `'30m'`.
   * @example `idleTimeout: '1h'`
   */
  idleTimeout?: Duration | false;
  /**
   * Maximum age of one logical session however active (reason `absolute-timeout`).
   * Defaults to `false` (none).
   * @example `absoluteTimeout: '12h'`
   */
  absoluteTimeout?: Duration | false;
  /**
   * How stale the stored `lastActivityAt` may become before the library writes it again; between
   * writes the library adds no store write at all. Must be less than `idleTimeout`. Defaults to `'1m'`, or
   * half of `idleTimeout` when that is shorter.
   */
  touchInterval?: Duration;
  /**
   * `'eager'`: the ID is stored on the first request (a cookie is set).
   * `'lazy'`: the library never makes an otherwise untouched session worth saving, so
   * `saveUninitialized: false` keeps working; the ID is stable from the first save on.
   * Defaults to `'eager'`.
   */
  persist?: 'eager' | 'lazy';
  /**
   * A pino logger (or any {@link LoggerLike}). Lifecycle events at `info`, reuse at `debug`;
   * `req.log` becomes a child bound with `sessionId` (an existing `req.log` is the parent).
   * Defaults to none.
   */
  logger?: LoggerLike;
  /**
   * Send the ID on every response in this header; `true` means `'X-Session-Id'`. Defaults to `false`.
   * @example `exposeHeader: 'X-Session-Id'`
   */
  exposeHeader?: string | boolean;
  /**
   * Custom ID generator. Supplying one gives up convergence: parallel requests that rotate the
   * same session may each produce an ID. Defaults to a one-way derivation from the cookie
   * session ID and a generation counter.
   */
  generateId?: (req: Request) => string;
  /**
   * Also list `exposeHeader` in `Access-Control-Expose-Headers`, so that a browser app on another origin
   * can read the ID (mount `logicalSession()` after your CORS middleware). Needs `exposeHeader`.
   * Defaults to `false`.
   * @example `exposeHeader: 'X-Session-Id', corsExposeHeader: true`
   */
  corsExposeHeader?: boolean;
  /** Lifecycle hooks; see {@link LogicalSessionHooks}. */
  hooks?: LogicalSessionHooks;
  /**
   * Longest the request waits for a hook it must await (`shouldRegenerate`, `enrichError`). A hook that
   * has not settled by then counts as failed (`hookFailures`, logged): the ID is kept, or the default
   * error body is sent. The other hooks are never awaited. Defaults to `'1s'`.
   * @example `hookTimeout: '250ms'`
   */
  hookTimeout?: Duration;
  /**
   * Record activity (logActivity calls, lifecycle events, handled errors) to sinks, batched off the
   * request path. A sink, an array of sinks, or {@link ActivityOptions}. Defaults to none.
   */
  activity?: ActivitySink | readonly ActivitySink[] | ActivityOptions;
  /**
   * Run the rest of each request inside an AsyncLocalStorage context, so `currentSessionId()`
   * works. On Node.js before 22.7, AsyncLocalStorage is built on async_hooks, which cost CPU on
   * every promise the process creates (measurable with a promise-heavy store client): set `false`
   * if you never call `currentSessionId()`. Defaults to `true`.
   */
  asyncContext?: boolean;
  /**
   * A module that follows the sessions and may end them: the registry of
   * `express-logical-session/registry` (`redisRegistry`, `sqliteRegistry`, `memoryRegistry`), or any
   * {@link LogicalSessionModule}. Defaults to none.
   * @example `registry: redisRegistry({ client, maxSessionsPerUser: 3 })`
   */
  registry?: LogicalSessionModule;
  /** Clock in epoch ms, for tests. Defaults to `Date.now`. */
  now?: () => number;
}
