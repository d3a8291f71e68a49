export { logicalSession, type LogicalSessionMiddleware } from './middleware.js';
export { getSessionId, getSessionInfo, peekSessionId, sessionScopedKey } from './session-id.js';
export { regenerateSessionId, restartSession, rotateSessionCookie, endSession } from './actions.js';
export { currentSessionId } from './context.js';
export { logActivity } from './activity-log.js';
export { sessionErrorHandler, type SessionErrorHandlerOptions } from './error-handler.js';
export { LogicalSessionError, ErrorCodes, type ErrorCode } from './errors.js';
export type { LogicalSessionStats } from './runtime.js';
export type { StoredLogicalSession } from './session-state.js';
export type { Duration } from './duration.js';
export type { ActivityRecord, ActivitySink } from './activity/types.js';
export type {
  ActivityEvent,
  ActivityOptions,
  EnrichErrorContext,
  LoggerLike,
  LogicalSessionHooks,
  LogicalSessionOptions,
  MaybePromise,
  SessionEndEvent,
  SessionInfo,
  SessionReason,
  SessionStartEvent,
} from './types.js';
