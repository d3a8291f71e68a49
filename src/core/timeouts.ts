import type { Request } from 'express';
import type { Configuration } from './options.js';
import { recordFailure, type Runtime } from './runtime.js';
import { toInfo, type RequestState, type StoredFields } from './session-state.js';
import type { SessionReason } from './types.js';

/** Whether the stored session timed out: the absolute timeout first, then the idle timeout. */
export function timeoutReason(config: Configuration, stored: StoredFields, now: number): SessionReason | undefined {
  const { absoluteTimeout, idleTimeout } = config;
  if (absoluteTimeout !== false && now - stored.createdAt >= absoluteTimeout) return 'absolute-timeout';
  if (idleTimeout !== false && now - stored.lastActivityAt >= idleTimeout) return 'idle-timeout';
  return undefined;
}

/** Calls `shouldRegenerate`; a throw, rejection or non-string answer means "keep the ID". */
export function askPolicy(
  runtime: Runtime,
  req: Request,
  state: RequestState,
  policy: NonNullable<Runtime['config']['hooks']['shouldRegenerate']>,
  decide: (reason: string | undefined) => void,
): void {
  const failed = (err: unknown): void => {
    recordFailure(
      runtime,
      'hookFailures',
      'express-logical-session: hook shouldRegenerate failed; keeping the ID',
      err,
      { hook: 'shouldRegenerate' },
    );
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
  if (answer instanceof Promise) {
    answer.then(
      (value: unknown) => decide(accept(value)),
      (err: unknown) => {
        failed(err);
        decide(undefined);
      },
    );
    return;
  }
  decide(accept(answer));
}
