import type { Request } from 'express';
import { getState } from '../core/session-state.js';
import type { SpanLike } from './types.js';

// The semantic-conventions names (stability "development"), written out: the constants exist only in
// the incubating entry point of @opentelemetry/semantic-conventions, which is not meant for runtime use.
export const SESSION_ID = 'session.id';
export const SESSION_PREVIOUS_ID = 'session.previous_id';

/**
 * Sets `session.id` on a span from the request's logical session, and `session.previous_id` on the
 * request that rotated the ID (a timeout, a policy or `regenerateSessionId`). Made for the HTTP server
 * span, which starts before any middleware: pass it to `@opentelemetry/instrumentation-http`'s
 * `applyCustomAttributesOnSpan`, which runs when the response closes, with the final ID. Its
 * `requestHook` runs when the span starts, before `logicalSession()`, so it would find nothing there.
 *
 * Does nothing for a span that is not recording, or a request the library has not seen (a route mounted
 * before `logicalSession()`, an outgoing `ClientRequest`): it never creates an ID, and never throws.
 *
 * @example
 * ```ts
 * new HttpInstrumentation({
 *   applyCustomAttributesOnSpan: (span, req) => setSessionAttributes(span, req),
 * });
 * ```
 */
export function setSessionAttributes(span: SpanLike, req: object): void {
  if (!span.isRecording()) return;
  // getState, not getSessionInfo: the latter would create a request-scoped ID for a request it never saw.
  const state = getState(req as Request);
  if (state === undefined) return;
  const { sessionId } = state;
  span.setAttribute(SESSION_ID, sessionId);
  if (state.isNew && state.previousId !== undefined && state.previousId !== sessionId) {
    span.setAttribute(SESSION_PREVIOUS_ID, state.previousId);
  }
}
