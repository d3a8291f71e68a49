import type { Request } from 'express';
import { emitTouch, rotate } from './lifecycle.js';
import { persist, sessionCall } from './persistence.js';
import { recordFailure, type LeadingWrite, type Runtime } from './runtime.js';
import { fieldsOf, type LiveSession, type RequestState } from './session-state.js';
import { readStored, type StoredFields } from './stored-form.js';
import { timeoutReason } from './timeouts.js';
import type { SessionReason } from './events.js';

/**
 * What a request must write before its route runs: a refreshed `lastActivityAt`, a rotation to the next
 * logical ID, or the state of a stored session that had none yet.
 */
export type EarlyChange =
  { readonly kind: 'touch' } | { readonly kind: 'rotate'; readonly reason: SessionReason } | { readonly kind: 'adopt' };

const SAVE_FAILED = 'express-logical-session: saving the session failed; the request goes on';

/** express-session's answer to `reload` when the session is no longer in the store. */
const SESSION_GONE = 'failed to load session';

function memoryKey(state: RequestState, change: EarlyChange): string {
  return change.kind === 'rotate'
    ? `rotate ${state.sessionId} ${state.generation}`
    : `${change.kind} ${state.sessionId}`;
}

/** The write of the same change another request of this process is making now, if any. */
function leaderOf(runtime: Runtime, key: string, change: EarlyChange, now: number): LeadingWrite | undefined {
  const leader = runtime.recentWrites.get(key);
  if (leader === undefined) return undefined;
  return change.kind !== 'touch' || now - leader.startedAt < runtime.config.touchInterval ? leader : undefined;
}

function adopt(state: RequestState, fresh: StoredFields, isNew: boolean): void {
  state.sessionId = fresh.id;
  state.generation = fresh.generation;
  state.createdAt = fresh.createdAt;
  state.lastActivityAt = fresh.lastActivityAt;
  state.previousId = fresh.previousId;
  state.isNew = isNew;
}

/** Whether the fresh copy was changed by someone else since this request loaded its own. */
function changedMeanwhile(loaded: StoredFields | undefined, fresh: StoredFields): boolean {
  return (
    loaded === undefined ||
    fresh.id !== loaded.id ||
    fresh.generation !== loaded.generation ||
    fresh.lastActivityAt > loaded.lastActivityAt
  );
}

/**
 * Whether a change someone else made meanwhile leaves this one to do: only a rotation of the same
 * generation is still due, and an idle rotation only if the fresh copy is still idle.
 */
function stillDue(
  runtime: Runtime,
  state: RequestState,
  change: EarlyChange,
  fresh: StoredFields,
  now: number,
): boolean {
  if (change.kind !== 'rotate') return false;
  if (fresh.id !== state.sessionId || fresh.generation !== state.generation) return false;
  return change.reason !== 'idle-timeout' || timeoutReason(runtime.config, fresh, now) !== undefined;
}

/** Applies the change to the state (firing its events) once the fresh copy says it is still due. */
function apply(runtime: Runtime, req: Request, state: RequestState, change: EarlyChange, now: number): void {
  if (change.kind === 'rotate') {
    rotate(runtime, req, state, change.reason, now);
  } else if (change.kind === 'touch') {
    state.lastActivityAt = now;
    state.createdAt = Math.min(state.createdAt, now);
    emitTouch(runtime, req, state);
  }
}

/**
 * Writes the change before the route runs, on the freshest copy of the session: it reloads the session
 * first and applies the change to what the store holds now, so a request whose read came back late never
 * writes its old snapshot over data another request saved meanwhile, and never re-creates a session that
 * was destroyed meanwhile (a logout). When the fresh copy shows that another request or instance already
 * made the change, this request adopts it and writes nothing. Never rejects: a failing store is reported
 * and counted, and the request goes on.
 */
export async function writeBeforeRoute(
  runtime: Runtime,
  req: Request,
  state: RequestState,
  change: EarlyChange,
  now: number,
): Promise<void> {
  const key = memoryKey(state, change);
  const leader = leaderOf(runtime, key, change, now);
  if (leader !== undefined) {
    // A burst writes each change once per process: this request takes what the leading one wrote.
    const outcome = await leader.outcome;
    if (outcome === undefined) state.persistent = false;
    else adopt(state, outcome, change.kind === 'rotate');
    return;
  }
  let settle: (outcome: StoredFields | undefined) => void = () => undefined;
  const outcome = new Promise<StoredFields | undefined>((resolve) => {
    settle = resolve;
  });
  runtime.recentWrites.set(key, { startedAt: now, outcome });
  const written = await writeOnFreshCopy(runtime, req, state, change, now);
  if (!written) runtime.recentWrites.delete(key);
  settle(state.persistent ? fieldsOf(state) : undefined);
}

/** The leading write; `false` when it failed and the next request should try again. */
async function writeOnFreshCopy(
  runtime: Runtime,
  req: Request,
  state: RequestState,
  change: EarlyChange,
  now: number,
): Promise<boolean> {
  const loadedSession: LiveSession = req.session;
  const loaded = readStored(loadedSession.els);
  try {
    await sessionCall((done) => req.session.reload(done));
  } catch (err) {
    if (err instanceof Error && err.message === SESSION_GONE) {
      // Destroyed meanwhile: saving now would bring it back. The request ends on what it loaded.
      state.persistent = false;
      return true;
    }
    apply(runtime, req, state, change, now);
    recordFailure(runtime, 'storeFailures', SAVE_FAILED, err, { sessionId: state.sessionId }, req);
    return false;
  }
  const session: LiveSession = req.session;
  const fresh = readStored(session.els);
  // The time of the write, not of the request's arrival: the writes of several instances then land
  // in the order of the times they carry, as closely as a store without compare-and-set allows.
  const at = Math.max(now, runtime.config.now());
  if (fresh !== undefined && changedMeanwhile(loaded, fresh)) {
    const due = stillDue(runtime, state, change, fresh, at);
    adopt(state, fresh, false);
    if (!due) {
      // Nothing to write. express-session would take the reloaded copy for a change of this request and
      // save it at the end, over whatever lands meanwhile: the route gets the copy it loaded instead.
      req.session = loadedSession;
      return true;
    }
  }
  apply(runtime, req, state, change, at);
  try {
    await persist(state, session);
    return true;
  } catch (err) {
    recordFailure(runtime, 'storeFailures', SAVE_FAILED, err, { sessionId: state.sessionId }, req);
    return false;
  }
}
