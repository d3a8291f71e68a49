import type { NextFunction, Request, Response } from 'express';
import { clientSentSession } from './cookies.js';
import { ErrorCodes, LogicalSessionError } from './errors.js';
import { handOn, writeThenHandOn } from './handoff.js';
import { deriveSessionId, lifecycleEventId, recoveredGeneration } from './ids.js';
import { emitSessionEnd, emitSessionStart, generateId } from './lifecycle.js';
import { persist, storeOnFirstSave } from './persistence.js';
import { recordFailure, safeLog, type Runtime } from './runtime.js';
import { newState, requestScopedState, type LiveSession } from './session-state.js';

/**
 * The generation a session without usable stored state starts at: 0 for a session the library never saw,
 * a recovered one (never derived before) when the state was malformed or the first ID already ended.
 */
function firstGeneration(runtime: Runtime, req: Request, session: LiveSession, sent: boolean): number {
  const raw: unknown = session.els;
  if (raw !== undefined) {
    safeLog(
      runtime,
      'warn',
      {},
      'express-logical-session: session data under `els` is malformed; starting a new logical session',
    );
    return recoveredGeneration(req.sessionID, describeStored(raw));
  }
  const ended = sent && runtime.firedEvents.has(lifecycleEventId('session.end', deriveSessionId(req.sessionID, 0)));
  return ended ? recoveredGeneration(req.sessionID, 'ended') : 0;
}

function describeStored(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  try {
    // undefined for a function or a symbol, whatever the declared type says.
    const text = JSON.stringify(raw) as string | undefined;
    return text ?? typeof raw;
  } catch {
    return typeof raw;
  }
}

export function startNewSession(
  runtime: Runtime,
  req: Request,
  res: Response,
  next: NextFunction,
  session: LiveSession,
  now: number,
): void {
  const sent = clientSentSession(req);
  const generation = firstGeneration(runtime, req, session, sent);
  const state = newState(runtime, req, generateId(runtime, req, generation), {
    createdAt: now,
    lastActivityAt: now,
    previousId: undefined,
    generation,
    isNew: true,
    persistent: true,
    pending: runtime.config.lazy,
  });
  if (state.pending) {
    storeOnFirstSave(runtime, req, session, state);
    handOn(runtime, req, res, next, state);
    return;
  }
  if (sent) {
    emitSessionStart(runtime, req, state, 'new');
    // An existing stored session gains our state: written now, on the freshest copy, or the
    // end-of-request save would write this request's stale copy over changes made meanwhile.
    writeThenHandOn(runtime, req, res, next, state, { kind: 'adopt' }, now);
    return;
  }
  // A brand-new session is saved now rather than at the end of the request: a store that is down
  // must be found out before the response hands out a cookie and an ID that were never stored.
  persist(state, session).then(
    () => {
      emitSessionStart(runtime, req, state, 'new');
      handOn(runtime, req, res, next, state);
    },
    (err: unknown) => refuseUnstoredSession(runtime, req, res, next, err, now),
  );
}

/** The store could not keep a new session: answer 503 with a request-scoped ID and no cookie. */
function refuseUnstoredSession(
  runtime: Runtime,
  req: Request,
  res: Response,
  next: NextFunction,
  err: unknown,
  now: number,
): void {
  // Without req.session, express-session neither sets the cookie nor retries the save.
  (req as { session?: unknown }).session = undefined;
  const scoped = requestScopedState(runtime, req, now);
  const fields = { sessionId: scoped.sessionId };
  recordFailure(
    runtime,
    'storeFailures',
    'express-logical-session: storing a new session failed; answering 503',
    err,
    fields,
    req,
  );
  const header = runtime.config.exposeHeader;
  if (header !== undefined && !res.headersSent) res.setHeader(header, scoped.sessionId);
  const message = 'The session store is unavailable: the new session could not be stored.';
  next(new LogicalSessionError(ErrorCodes.STORE_FAILED, message, { cause: err, status: 503 }));
}

/**
 * The registry ended this logical session (revoked, evicted): fire its end, replace the cookie session
 * (express-session `regenerate`: the old one is destroyed, its data not carried over) and go on in a new
 * anonymous logical session. A request still in flight that saves the old session brings back data
 * under an ID the registry still refuses, so the next request with that cookie ends up here again.
 */
export function endAndStartOver(
  runtime: Runtime,
  req: Request,
  res: Response,
  next: NextFunction,
  sessionId: string,
  reason: string,
  now: number,
): void {
  emitSessionEnd(runtime, req, sessionId, reason, now);
  req.session.regenerate((err?: unknown) => {
    if (err) {
      const fields = { sessionId };
      recordFailure(
        runtime,
        'storeFailures',
        'express-logical-session: destroying an ended session failed',
        err,
        fields,
        req,
      );
    }
    startNewSession(runtime, req, res, next, req.session, now);
  });
}
