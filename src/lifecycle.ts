import type { Request } from 'express';
import type { ActivityRecord } from './activity/types.js';
import { deriveSessionId, isUsableId, lifecycleEventId } from './ids.js';
import { callHook, claimEvent, reportFailure, safeLog, type Runtime } from './runtime.js';
import type { RequestState } from './session-state.js';
import type { SessionReason } from './types.js';

/** Hands one activity record to the `onActivity` hook and the activity sinks. */
export function recordActivity(runtime: Runtime, req: Request, record: ActivityRecord): void {
  callHook(runtime, 'onActivity', runtime.config.hooks.onActivity, record, req);
  runtime.dispatcher?.push(record);
}

export function emitSessionEnd(
  runtime: Runtime,
  req: Request,
  sessionId: string,
  reason: SessionReason,
  at: number,
): void {
  const eventId = lifecycleEventId('session.end', sessionId);
  if (!claimEvent(runtime, eventId)) return;
  runtime.stats.sessionsEnded++;
  safeLog(runtime, 'info', { sessionId, reason, eventId }, 'session.end');
  callHook(runtime, 'onSessionEnd', runtime.config.hooks.onSessionEnd, { eventId, sessionId, reason, at }, req);
  recordActivity(runtime, req, { eventId, sessionId, type: 'session.end', details: { reason }, at });
}

export function emitSessionStart(runtime: Runtime, req: Request, state: RequestState, reason: SessionReason): void {
  const sessionId = state.context.sessionId;
  const eventId = lifecycleEventId('session.start', sessionId);
  if (!claimEvent(runtime, eventId)) return;
  runtime.stats.sessionsStarted++;
  const { previousId, createdAt: at } = state;
  const event =
    previousId === undefined ? { eventId, sessionId, reason, at } : { eventId, sessionId, previousId, reason, at };
  safeLog(runtime, 'info', { sessionId, previousId, reason, eventId }, 'session.start');
  callHook(runtime, 'onSessionStart', runtime.config.hooks.onSessionStart, event, req);
  const details = previousId === undefined ? { reason } : { reason, previousId };
  recordActivity(runtime, req, { eventId, sessionId, type: 'session.start', details, at });
}

/** Why a custom ID was refused, without quoting it (it could carry anything, the cookie ID too). */
function describeRejectedId(id: unknown): string {
  if (typeof id !== 'string') return `received ${id === null ? 'null' : typeof id}`;
  if (id === '') return 'received an empty string';
  if (id.length > 128) return `received a string of ${id.length} characters`;
  return 'received a string with spaces, control or non-ASCII characters';
}

/**
 * The ID for a generation of this cookie session: derived (convergent) by default, or the user's
 * generator, whose failures fall back to the derived ID rather than failing the request.
 */
export function generateId(runtime: Runtime, req: Request, generation: number): string {
  const custom = runtime.config.generateId;
  if (custom) {
    try {
      const id = custom(req);
      if (isUsableId(id)) return id;
      reportFailure(
        runtime,
        'express-logical-session: generateId returned no usable ID (1-128 visible ASCII characters); using the derived ID',
        new TypeError(describeRejectedId(id)),
      );
    } catch (err) {
      reportFailure(runtime, 'express-logical-session: generateId threw; using the derived ID', err);
    }
  }
  return deriveSessionId(req.sessionID, generation);
}

/**
 * Moves the state to the next generation and fires end(old) then start(new). Parallel requests
 * that rotate the same stored generation compute the same ID and event IDs, so they converge and
 * the hooks fire once per process.
 */
export function rotate(runtime: Runtime, req: Request, state: RequestState, reason: SessionReason, now: number): void {
  const oldId = state.context.sessionId;
  state.generation += 1;
  state.context.sessionId = generateId(runtime, req, state.generation);
  state.previousId = oldId;
  state.createdAt = now;
  state.lastActivityAt = now;
  state.isNew = true;
  emitSessionEnd(runtime, req, oldId, reason, now);
  emitSessionStart(runtime, req, state, reason);
}
