/**
 * Why a logical session started or ended. `regenerateSessionId(req, reason)` and `shouldRegenerate`
 * may use reasons of their own, so any string is possible.
 *
 * @example
 * ```ts
 * onSessionEnd: (event) => {
 *   const reason: SessionReason = event.reason; // 'idle-timeout', 'logout', ...
 *   metrics.increment('sessions.ended', { reason });
 * }
 * ```
 */
export type SessionReason =
  | 'new'
  | 'idle-timeout'
  | 'absolute-timeout'
  | 'regenerate'
  | 'restart'
  | 'policy'
  | 'logout'
  | 'revoked'
  | 'evicted'
  | 'expired'
  | (string & {});

/**
 * Passed to `onSessionStart`: a logical session began (OpenTelemetry `session.start`).
 *
 * @example
 * ```ts
 * onSessionStart: (event: SessionStartEvent) => {
 *   span.addEvent('session.start', { 'session.id': event.sessionId, 'session.previous_id': event.previousId });
 * }
 * ```
 */
export interface SessionStartEvent {
  /** Deterministic: every instance that observes this start computes the same value. */
  readonly eventId: string;
  readonly sessionId: string;
  /** The session this one continues (`session.previous_id`), when it replaced one. */
  readonly previousId?: string;
  readonly reason: SessionReason;
  /** Epoch milliseconds. */
  readonly at: number;
}

/**
 * Passed to `onSessionEnd`: a logical session ended (OpenTelemetry `session.end`).
 *
 * @example
 * ```ts
 * onSessionEnd: async (event: SessionEndEvent) => {
 *   await analytics.track({ event: 'session.end', id: event.eventId, sessionId: event.sessionId, reason: event.reason });
 * }
 * ```
 */
export interface SessionEndEvent {
  /** Deterministic: every instance that observes this end computes the same value. */
  readonly eventId: string;
  readonly sessionId: string;
  readonly reason: SessionReason;
  /** Epoch milliseconds. */
  readonly at: number;
  /** The logical session that continues this one in the same cookie session (a rotation), when there is one. */
  readonly nextId?: string;
}
