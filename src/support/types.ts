import type { Request } from 'express';
import type { ActivityReader } from '../activity/reader.js';
import type { Duration } from '../core/duration.js';

/**
 * What a support person is asking to do: see the overview, look up a session or a user, or revoke a session.
 *
 * @example
 * ```ts
 * const readOnly = (action: SupportAction) => action !== 'revoke';
 * ```
 */
export type SupportAction = 'overview' | 'session' | 'user' | 'revoke';

/**
 * The second argument of `authorize`: the action, and the session or user it concerns.
 *
 * @example
 * ```ts
 * authorize: (req, { action, sessionId }: SupportRequest) => req.user?.role === 'support' && action !== 'revoke'
 * ```
 */
export interface SupportRequest {
  readonly action: SupportAction;
  /** The logical session looked up or revoked (already checked to be a usable ID). */
  readonly sessionId?: string;
  /** The user whose sessions are listed. */
  readonly userId?: string;
}

/**
 * Decides whether this request may see or do what it asks; sync or async. Anything but `true` answers 403.
 *
 * @example
 * ```ts
 * const authorize: SupportAuthorize = async (req, { action }) =>
 *   req.user?.role === 'support' && (action !== 'revoke' || (await canRevoke(req.user)));
 * ```
 */
export type SupportAuthorize = (req: Request, request: SupportRequest) => boolean | PromiseLike<boolean>;

/**
 * A device as the registry describes it, from the User-Agent.
 *
 * @example
 * ```ts
 * { browser: 'Firefox', os: 'Linux', type: 'desktop', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) …' }
 * ```
 */
export interface SupportDevice {
  readonly browser?: string;
  readonly os?: string;
  /** `desktop`, `mobile`, `tablet`, `bot` or `unknown`. */
  readonly type: string;
  readonly userAgent: string;
}

/**
 * One live session of a user, as the registry lists it. Times are epoch ms.
 *
 * @example
 * ```ts
 * { sessionId: '3f2a…', userId: 'u42', createdAt: 1732252800000, lastActivityAt: 1732253400000,
 *   linkedAt: 1732252860000, device: { type: 'desktop', userAgent: '…' }, ipPrefix: '203.0.113.0/24' }
 * ```
 */
export interface SupportRegistryEntry {
  readonly sessionId: string;
  readonly userId: string;
  readonly createdAt: number;
  readonly lastActivityAt: number;
  readonly linkedAt: number;
  readonly device: SupportDevice;
  /** `undefined` when the request had no address to cut (`req.ip` unset). */
  readonly ipPrefix: string | undefined;
}

/**
 * What the console needs of a registry (`express-logical-session/registry` has it): one entry, a user's live
 * sessions, and revoking one. Each call may be sync or async.
 *
 * @example
 * ```ts
 * const registry: SupportRegistry = redisRegistry({ client }); // or sqliteRegistry({ path }), memoryRegistry()
 * ```
 */
export interface SupportRegistry {
  /** One live session, or `undefined`. */
  get(sessionId: string): SupportRegistryEntry | undefined | PromiseLike<SupportRegistryEntry | undefined>;
  /** A user's live sessions, most recently active first. */
  list(userId: string): readonly SupportRegistryEntry[] | PromiseLike<readonly SupportRegistryEntry[]>;
  /** Resolves whether the session was live. */
  revoke(sessionId: string, reason?: string): boolean | PromiseLike<boolean>;
}

/**
 * Where the console reports that it was created without `authorize`: a pino logger fits.
 *
 * @example
 * ```ts
 * supportRouter({ activity: store, authorize, logger: pino() });
 * ```
 */
export interface SupportLogger {
  /** Called once, with the option's name and the message. */
  warn(obj: object, msg?: string): void;
}

/**
 * Options of `supportRouter()`.
 *
 * @example
 * ```ts
 * supportRouter({
 *   activity: store,
 *   registry,
 *   authorize: (req) => req.user?.role === 'support',
 *   idleTimeout: '30m',
 * });
 * ```
 */
export interface SupportRouterOptions {
  /** Where the activity is read: a `SqlActivityStore`, or any {@link ActivityReader}. */
  activity: ActivityReader;
  /** The registry, for users, devices and revoking. Without one, user pages and revoking answer 404. */
  registry?: SupportRegistry;
  /** Required: without it every route answers 403 (and the console warns once, at creation). */
  authorize: SupportAuthorize;
  /** The `idleTimeout` of `logicalSession()`, to tell an expired session from an active one. Defaults to `'30m'`. */
  idleTimeout?: Duration;
  /** Longest wait for `authorize`; past it the request fails as a thrown `authorize` would. Defaults to `'5s'`. */
  authorizeTimeout?: Duration;
  /** Timeline events per page, 1 to 500. Defaults to `50`. */
  pageSize?: number;
  /** Gets the warning about a missing `authorize`. Defaults to `process.emitWarning`. */
  logger?: SupportLogger;
  /** The clock, for tests. Defaults to `Date.now`. */
  now?: () => number;
}
