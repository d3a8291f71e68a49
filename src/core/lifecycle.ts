import type { Request } from 'express';
import type { ActivityRecord } from './activity-types.js';
import { isThenable } from './deadline.js';
import { deriveSessionId, isUsableId, lifecycleEventId, MAX_GENERATION, randomId, recoveredGeneration } from './ids.js';
import type { LifecycleEventName, LifecycleEvents, RequestOf } from './listeners.js';
import type { ModuleCore } from './modules.js';
import { claimEvent, recordFailure, reportFailure, safeLog, type Runtime } from './runtime.js';
import type { RequestState } from './session-state.js';
import type { SessionReason } from './events.js';

/**
 * Hands one lifecycle event to every listener, in order. A listener that throws or rejects is reported and
 * counted in `hookFailures`; its promise is never awaited, so no listener delays the request.
 */
export function notify<E extends LifecycleEventName>(
  runtime: Runtime,
  event: E,
  payload: LifecycleEvents[E],
  req: RequestOf<E>,
): void {
  for (const listener of runtime.listeners[event]) {
    const failed = (err: unknown): void => {
      recordFailure(
        runtime,
        'hookFailures',
        `express-logical-session: ${listener.label} failed`,
        err,
        listener.fields,
        req,
      );
    };
    try {
      const result = listener.call(payload, req);
      if (isThenable(result)) result.then(undefined, failed);
    } catch (err) {
      failed(err);
    }
  }
}

/** Hands one activity record to the listeners (the `onActivity` hook, the activity sinks, the modules). */
export function recordActivity(runtime: Runtime, req: Request | undefined, record: ActivityRecord): void {
  notify(runtime, 'activity', record, req);
}

/** Fires end for a logical ID, once per process; `req` is undefined for a session that ended without one. */
export function emitSessionEnd(
  runtime: Runtime,
  req: Request | undefined,
  sessionId: string,
  reason: SessionReason,
  at: number,
  nextId?: string,
): void {
  const eventId = lifecycleEventId('session.end', sessionId);
  if (!claimEvent(runtime, eventId)) return;
  runtime.stats.sessionsEnded++;
  safeLog(runtime, 'info', { sessionId, reason, eventId, nextId }, 'session.end');
  const event = nextId === undefined ? { eventId, sessionId, reason, at } : { eventId, sessionId, reason, at, nextId };
  notify(runtime, 'end', event, req);
  const details = nextId === undefined ? { reason } : { reason, nextId };
  recordActivity(runtime, req, { eventId, sessionId, type: 'session.end', details, at });
}

/**
 * When a timed-out session really ended: its idle or absolute deadline, not the later request that
 * noticed it (which may come days after), so durations and the end's time are true.
 */
function endTime(runtime: Runtime, state: RequestState, reason: SessionReason, now: number): number {
  const { idleTimeout, absoluteTimeout } = runtime.config;
  if (reason === 'idle-timeout' && idleTimeout !== false) return Math.min(now, state.lastActivityAt + idleTimeout);
  if (reason === 'absolute-timeout' && absoluteTimeout !== false)
    return Math.min(now, state.createdAt + absoluteTimeout);
  return now;
}

/** Fires start for the state's ID; `false` when this process already fired it. */
export function emitSessionStart(runtime: Runtime, req: Request, state: RequestState, reason: SessionReason): boolean {
  const sessionId = state.sessionId;
  const eventId = lifecycleEventId('session.start', sessionId);
  if (!claimEvent(runtime, eventId)) return false;
  runtime.stats.sessionsStarted++;
  const { previousId, createdAt: at } = state;
  const event =
    previousId === undefined ? { eventId, sessionId, reason, at } : { eventId, sessionId, previousId, reason, at };
  safeLog(runtime, 'info', { sessionId, previousId, reason, eventId }, 'session.start');
  notify(runtime, 'start', event, req);
  const details = previousId === undefined ? { reason } : { reason, previousId };
  recordActivity(runtime, req, { eventId, sessionId, type: 'session.start', details, at });
  return true;
}

/** Tells the listeners that the library refreshed the stored `lastActivityAt`. */
export function emitTouch(runtime: Runtime, req: Request, state: RequestState): void {
  notify(runtime, 'touch', { sessionId: state.sessionId, lastActivityAt: state.lastActivityAt }, req);
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
        {},
        req,
      );
    } catch (err) {
      reportFailure(runtime, 'express-logical-session: generateId threw; using the derived ID', err, {}, req);
    }
  }
  return deriveSessionId(req.sessionID, generation);
}

/**
 * Moves the state to the next generation and fires end(old), start(new) and rotate. Parallel requests
 * that rotate the same stored generation compute the same ID and event IDs, so they converge and the
 * listeners hear the transition once per process.
 */
export function rotate(runtime: Runtime, req: Request, state: RequestState, reason: SessionReason, now: number): void {
  const previousId = state.sessionId;
  const endedAt = endTime(runtime, state, reason, now);
  state.generation =
    state.generation < MAX_GENERATION
      ? state.generation + 1
      : recoveredGeneration(req.sessionID, String(state.generation));
  state.sessionId = generateId(runtime, req, state.generation);
  state.previousId = previousId;
  state.createdAt = now;
  state.lastActivityAt = now;
  state.isNew = true;
  emitSessionEnd(runtime, req, previousId, reason, endedAt, state.sessionId);
  if (emitSessionStart(runtime, req, state, reason)) {
    notify(runtime, 'rotate', { previousId, sessionId: state.sessionId, reason, at: now }, req);
  }
}

/**
 * Resets the state for the fresh cookie session of a restart: generation 0 of the new cookie ID, linked to
 * the old logical ID. The caller fires the events once the new session is stored.
 */
export function restartState(runtime: Runtime, req: Request, state: RequestState, now: number): string {
  const previousId = state.sessionId;
  state.generation = 0;
  state.previousId = previousId;
  state.createdAt = now;
  state.lastActivityAt = now;
  state.isNew = true;
  state.pending = false;
  state.sessionId = generateId(runtime, req, 0);
  return previousId;
}

/** A new request-scoped ID, linked to the old one, for a request without a usable session. */
export function regenerateRequestScoped(state: RequestState): string {
  state.previousId = state.sessionId;
  state.sessionId = randomId();
  return state.sessionId;
}

/** What the registry (or another module) may call back: the timeouts, the clock, ends without a request. */
export function moduleCore(runtime: Runtime): ModuleCore {
  const { idleTimeout, absoluteTimeout, touchInterval, now } = runtime.config;
  const name = runtime.config.registry?.name ?? 'module';
  return {
    idleTimeout,
    absoluteTimeout,
    touchInterval,
    now,
    endSession: (sessionId, reason, at) => {
      emitSessionEnd(runtime, undefined, sessionId, reason, at);
    },
    recordActivity: (sessionId, type, details, req) => {
      recordActivity(runtime, req, { eventId: randomId(), sessionId, type, details, at: now() });
    },
    reportFailure: (message, err, req) => {
      reportFailure(runtime, `express-logical-session: ${name}: ${message}`, err, { module: name }, req);
    },
  };
}
