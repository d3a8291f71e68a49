import type { Request } from 'express';
import { randomId } from './ids.js';
import { recordActivity } from './lifecycle.js';
import { reportFailure, safeLog } from './runtime.js';
import { mountedRuntime } from './mounting.js';
import { getState, stateOf } from './session-state.js';

/**
 * A shallow copy of the details, taken now: sinks read them when the batch is written, after the app may
 * have moved on. A throwing getter becomes the marker `'[Unreadable]'` and an object whose keys cannot be
 * listed (a hostile Proxy) `{ '[unreadable]': true }`, as the activity serializer marks them, instead of
 * losing the whole record.
 */
function snapshotDetails(details: unknown): Record<string, unknown> | undefined {
  if (details === undefined) return undefined;
  if (typeof details !== 'object' || details === null) return { value: details };
  let keys: string[];
  try {
    keys = Object.keys(details);
  } catch {
    return { '[unreadable]': true };
  }
  // fromEntries defines own properties, so a `__proto__` key stays data, as it does with a spread.
  return Object.fromEntries(keys.map((key) => [key, readOrMark(details, key)]));
}

function readOrMark(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return '[Unreadable]';
  }
}

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
    // A request logicalSession() did not see (a route mounted before it) still reaches the app's sinks.
    const runtime = state.runtime ?? mountedRuntime(req);
    if (typeof type !== 'string' || type === '') {
      reportFailure(
        runtime,
        'express-logical-session: logActivity needs a non-empty string type; the event was dropped',
        new TypeError(`received ${typeof type}`),
      );
      return;
    }
    if (!runtime) return;
    const sessionId = state.sessionId;
    const normalized = snapshotDetails(details);
    const record = { eventId: randomId(), sessionId, type, details: normalized, at: runtime.config.now() };
    // The shape pinoActivitySink writes, so that a log index sees one shape for `activity`.
    if (runtime.logsActivity) {
      safeLog(
        runtime,
        'info',
        { sessionId, activity: { eventId: record.eventId, type, at: record.at, details: normalized } },
        'activity',
      );
    }
    recordActivity(runtime, req, record);
  } catch (err) {
    // getState is a WeakMap lookup: it cannot throw, whatever `req` turned out to be.
    reportFailure(getState(req)?.runtime, 'express-logical-session: logActivity failed', err, {}, req);
  }
}
