/**
 * The app's Redis client in tests: exactly the fail-fast settings examples/redis recommends, so
 * the tests prove the configuration users copy.
 */
import { createClient } from 'redis';
import { failFastDefaults, failFastRedisOptions, type FailFastSettings } from '../../../examples/redis/redis.js';

export { failFastDefaults, type FailFastSettings };
export type AppRedisClient = ReturnType<typeof createClient>;

/** Creates and connects the app's client (Redis must be up: instances start before faults are injected). */
export async function connectAppClient(
  url: string,
  settings: Partial<FailFastSettings> = {},
): Promise<{ client: AppRedisClient }> {
  const client: AppRedisClient = createClient(failFastRedisOptions(url, settings));
  client.on('error', () => {
    // Failed reconnects during a fault test; the requests report them as 503s.
  });
  await client.connect();
  return { client };
}
