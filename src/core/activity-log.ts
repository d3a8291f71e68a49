import type { Request } from 'express';
import { randomId } from './ids.js';
import { recordActivity } from './lifecycle.js';
import { reportFailure, safeLog } from './runtime.js';
import { getState, stateOf } from './session-state.js';

/**
 * Records one activity event for the request's logical session: to the `onActivity` hook, the
 * activity sinks (batched, off the request path) and the logger at `info`. Never throws into the
 * request and never delays the response; a bad `type` is reported and dropped.
 *
 * @example
 * ```ts
 * app.post('/uploads', upload.single('file'), (req, res) => {
 *   logActivity(req, 'upload', { file: req.file?.originalname, bytes: req.file?.size });
 *   res.sendStatus(201);
 * });
 * ```
 */
export function logActivity(req: Request, type: string, details?: Record<string, unknown>): void {
  try {
    const state = stateOf(req);
    const runtime = state.runtime;
    if (typeof type !== 'string' || type === '') {
      reportFailure(
        runtime,
        'express-logical-session: logActivity needs a non-empty string type; the event was dropped',
        new TypeError(`received ${typeof type}`),
      );
      return;
    }
    if (!runtime) return;
    const sessionId = state.context.sessionId;
    const given: unknown = details;
    // A shallow snapshot: sinks read details when the batch is written, after the app may have moved on.
    const normalized =
      given === undefined ? undefined : typeof given === 'object' && given !== null ? { ...details } : { value: given };
    safeLog(runtime, 'info', { sessionId, activity: type, details: normalized }, 'activity');
    recordActivity(runtime, req, {
      eventId: randomId(),
      sessionId,
      type,
      details: normalized,
      at: runtime.config.now(),
    });
  } catch (err) {
    // getState is a WeakMap lookup: it cannot throw, whatever `req` turned out to be.
    reportFailure(getState(req)?.runtime, 'express-logical-session: logActivity failed', err);
  }
}
