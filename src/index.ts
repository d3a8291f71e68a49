/**
 * `express-logical-session`: one stable, server-generated logical session ID per user session.
 *
 * @example
 * ```ts
 * import { logicalSession, getSessionId, sessionErrorHandler } from 'express-logical-session';
 * ```
 * @packageDocumentation
 */
export { logicalSession, type LogicalSessionMiddleware } from './core/middleware.js';
export { getSessionId, getSessionInfo, peekSessionId, sessionScopedKey } from './core/session-id.js';
export { regenerateSessionId, restartSession, rotateSessionCookie, endSession } from './core/actions.js';
export { currentSessionId } from './core/context.js';
export { sessionScopedPath } from './core/scoped-path.js';
export { logActivity } from './core/activity-log.js';
export { notFoundHandler, sessionErrorHandler, type SessionErrorHandlerOptions } from './core/error-handler.js';
export { LogicalSessionError, ErrorCodes, type ErrorCode } from './core/errors.js';
export type { LogicalSessionStats } from './core/runtime.js';
export type { StoredLogicalSession } from './core/stored-form.js';
export type { Duration } from './core/duration.js';
export type { ActivityRecord, ActivitySink } from './core/activity-types.js';
export type { ActivityOptions } from './core/activity-options.js';
export type {
  EnrichErrorContext,
  LoggerLike,
  LogicalSessionHooks,
  LogicalSessionOptions,
  RequestLogger,
  MaybePromise,
  SessionInfo,
} from './core/types.js';
export type { SessionEndEvent, SessionReason, SessionStartEvent } from './core/events.js';
export type { LogicalSessionModule, ModuleCore } from './core/modules.js';
export type {
  LifecycleEventName,
  LifecycleEvents,
  LifecycleListener,
  RequestOf,
  SessionRotation,
  SessionTouch,
} from './core/listeners.js';
