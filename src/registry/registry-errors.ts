import { withDeadline } from '../core/deadline.js';
import { ErrorCodes, LogicalSessionError } from '../core/errors.js';

function reasonOf(err: unknown): string {
  return err instanceof Error ? (err.message.split('\n', 1)[0] ?? err.name) : String(err);
}

/**
 * Runs one backend call within the deadline; whatever goes wrong (an error, no answer in time) becomes
 * `ERR_ELS_REGISTRY_FAILED` (503) naming the call, with the backend's error as the cause.
 */
export async function bounded<T>(caller: string, call: string, timeout: number, work: () => Promise<T>): Promise<T> {
  try {
    return await withDeadline(Promise.resolve().then(work), timeout, `${caller} ${call}`);
  } catch (err) {
    throw new LogicalSessionError(
      ErrorCodes.REGISTRY_FAILED,
      `${caller}: ${call} failed (${reasonOf(err)}). Check that the registry's backend is reachable; requests of linked sessions go on meanwhile.`,
      { cause: err, status: 503 },
    );
  }
}
