/** Bounded polling for a condition the test cannot subscribe to (a count reaching a value, a service answering). */
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  { timeoutMs = 5_000, intervalMs = 10 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  while (performance.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
}
