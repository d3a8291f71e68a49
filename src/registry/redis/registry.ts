import { hasMethods, invalidOption, optionNames, optionsObject, rejectUnknown } from '../../core/validation.js';
import { COMMON_OPTION_NAMES, resolveCommonOptions } from '../options.js';
import { Registry } from '../registry.js';
import type { RedisRegistryOptions, SessionRegistry } from '../types.js';
import { RedisBackend } from './backend.js';

const CALLER = 'redisRegistry()';
const EXAMPLE = 'redisRegistry({ client: await createClient({ url }).connect() })';
const OPTION_NAMES = [...COMMON_OPTION_NAMES, ...optionNames({ client: true, keyPrefix: true })];
/** No braces (a hash tag of its own would put every key in one slot), no spaces or control characters. */
const PREFIX = /^[A-Za-z0-9_:.-]{0,100}$/;

/**
 * A registry on Redis, for a fleet: node-redis 5's client (`createClient()`) or cluster (`createCluster()`),
 * the app's own (the registry never closes it). Keys are laid out for Redis Cluster, each carries a TTL, the
 * limit step is one Lua script, and revocations reach every instance over pub/sub (on a duplicate connection)
 * with a catch-up from Redis after every reconnect. The per-request check answers from memory, so requests of
 * linked sessions keep working while Redis is down.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { redisRegistry } from 'express-logical-session/registry';
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const registry = redisRegistry({ client, maxSessionsPerUser: 3 });
 * app.use(logicalSession({ registry }));
 * ```
 */
export function redisRegistry(options: RedisRegistryOptions): SessionRegistry {
  const given = optionsObject(CALLER, options, EXAMPLE);
  rejectUnknown(CALLER, 'option', given, OPTION_NAMES);
  const config = resolveCommonOptions(CALLER, given);
  if (!hasMethods(given.client, ['eval', 'evalSha', 'duplicate', 'subscribe'])) {
    throw invalidOption(CALLER, 'client', given.client, `Pass the app's node-redis 5 client or cluster: ${EXAMPLE}.`);
  }
  const prefix = given.keyPrefix ?? 'els:registry:';
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw invalidOption(
      CALLER,
      'keyPrefix',
      prefix,
      "Use up to 100 letters, digits, '_', ':', '.' or '-', e.g. 'myapp:registry:'.",
    );
  }
  return new Registry(
    'redis-registry',
    config,
    new RedisBackend(given.client as RedisRegistryOptions['client'], prefix),
  );
}
