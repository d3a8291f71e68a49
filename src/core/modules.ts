import type { Request } from 'express';
import type { LifecycleListener } from './listeners.js';
import type { SessionReason } from './events.js';

/**
 * What a module passed to `logicalSession()` (the registry of `express-logical-session/registry`, or one
 * of your own) can do with the logical sessions. Every member is optional.
 *
 * @example
 * ```ts
 * const banned = new Set<string>();
 * const banList: LogicalSessionModule = {
 *   name: 'ban-list',
 *   endReason: (sessionId) => (banned.has(sessionId) ? 'revoked' : undefined),
 * };
 * app.use(logicalSession({ registry: banList }));
 * ```
 */
export interface LogicalSessionModule {
  /** Names the module in failure reports. */
  readonly name: string;
  /**
   * Hears the lifecycle (`start`, `end`, `rotate`, `touch`, `activity`) after the hooks and the activity
   * sinks; sync or async, isolated and counted like a hook.
   */
  readonly listener?: LifecycleListener;
  /**
   * Asked on every request of a stored session, synchronously: a reason to end this logical session
   * now (`'revoked'`, `'evicted'`), or `undefined` to keep it. Must answer from memory, without I/O. A
   * session it ends gets `session.end` with that reason, and the request goes on in a new anonymous
   * session with a new cookie (its old data is not carried over).
   */
  endReason?(sessionId: string): SessionReason | undefined;
  /** Called once, when the middleware is created, with what the module may call back. */
  attach?(core: ModuleCore): void;
}

/**
 * What `logicalSession()` offers the module it was given.
 *
 * @example
 * ```ts
 * attach(core) {
 *   setInterval(() => {
 *     for (const id of expiredIds(core.now())) core.endSession(id, 'expired', core.now());
 *   }, 60_000).unref();
 * }
 * ```
 */
export interface ModuleCore {
  /** The middleware's timeouts, resolved (ms, or `false` when off). */
  readonly idleTimeout: number | false;
  readonly absoluteTimeout: number | false;
  readonly touchInterval: number;
  /** The middleware's clock (its `now` option). */
  now(): number;
  /**
   * Fires `session.end` for a session that ended without a request (a sweep found it expired): to the
   * hooks (with `req` undefined), the activity sinks and the listeners, once per process per session.
   */
  endSession(sessionId: string, reason: SessionReason, at: number): void;
  /**
   * Records an activity of a session (the registry's `session.signal`), as `logActivity` does: to the
   * `onActivity` hook, the activity sinks and the listeners; `req` when a request caused it.
   */
  recordActivity(sessionId: string, type: string, details: Record<string, unknown> | undefined, req?: Request): void;
  /** Reports a failure of the module through the middleware's logger, scrubbed and never thrown. */
  reportFailure(message: string, err: unknown, req?: Request): void;
}
