/** Whether a value is a promise of any realm (a `vm` context, another copy of a promise library). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** The error a deadline rejects with, so callers can tell a hang from a failure. */
export class DeadlineExceeded extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not settle within ${ms} ms`);
    this.name = 'DeadlineExceeded';
  }
}

/**
 * Settles like `value`, or rejects with {@link DeadlineExceeded} after `ms`. The timer is unref'ed, so a
 * value that never settles keeps neither the request nor the process waiting.
 */
export function withDeadline<T>(value: PromiseLike<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DeadlineExceeded(what, ms)), ms);
    timer.unref();
    value.then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (err: unknown) => {
        clearTimeout(timer);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- whatever the hook rejected with
        reject(err);
      },
    );
  });
}
