import type { Request } from 'express';
import { DeadlineExceeded, isThenable, withDeadline } from './deadline.js';
import type { Configuration } from './options.js';
import { recordFailure, type Runtime } from './runtime.js';
import { toInfo, type RequestState } from './session-state.js';
import type { StoredFields } from './stored-form.js';
import type { SessionReason } from './events.js';

/** Whether the stored session timed out: the absolute timeout first, then the idle timeout. */
export function timeoutReason(config: Configuration, stored: StoredFields, now: number): SessionReason | undefined {
  const { absoluteTimeout, idleTimeout } = config;
  if (absoluteTimeout !== false && now - stored.createdAt >= absoluteTimeout) return 'absolute-timeout';
  if (idleTimeout !== false && now - stored.lastActivityAt >= idleTimeout) return 'idle-timeout';
  return undefined;
}

/**
 * Calls `shouldRegenerate`; a throw, a rejection, a non-string answer or no answer within `hookTimeout`
 * means "keep the ID", and the request goes on either way.
 */
export function askPolicy(
  runtime: Runtime,
  req: Request,
  state: RequestState,
  policy: NonNullable<Runtime['config']['hooks']['shouldRegenerate']>,
  decide: (reason: string | undefined) => void,
): void {
  const failed = (err: unknown): void => {
    const message =
      err instanceof DeadlineExceeded
        ? `express-logical-session: hook shouldRegenerate did not settle within ${runtime.config.hookTimeout} ms; keeping the ID`
        : 'express-logical-session: hook shouldRegenerate failed; keeping the ID';
    recordFailure(runtime, 'hookFailures', message, err, { hook: 'shouldRegenerate' }, req);
  };
  const accept = (answer: unknown): string | undefined =>
    typeof answer === 'string' && answer !== '' ? answer : undefined;
  let answer: unknown;
  try {
    answer = policy(toInfo(state), req);
  } catch (err) {
    failed(err);
    decide(undefined);
    return;
  }
  if (!isThenable(answer)) {
    decide(accept(answer));
    return;
  }
  withDeadline(answer, runtime.config.hookTimeout, 'shouldRegenerate').then(
    (value: unknown) => decide(accept(value)),
    (err: unknown) => {
      failed(err);
      decide(undefined);
    },
  );
}

/** How far in the future a stored time may be (clocks of several instances differ) before it is repaired. */
const FUTURE_TOLERANCE_MS = 60_000;

/**
 * Whether the stored times lie in the future, which only a tampered or broken store produces: left alone,
 * they would pin the ID forever (never idle, never touched). Repairing them is a touch.
 */
export function needsRepair(config: Configuration, state: RequestState, now: number): boolean {
  const limit = now + Math.max(config.touchInterval, FUTURE_TOLERANCE_MS);
  return state.lastActivityAt > limit || state.createdAt > limit;
}
