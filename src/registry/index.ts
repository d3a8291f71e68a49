/**
 * `express-logical-session/registry`: a user's sessions. Link a logical session to a user at login, list the
 * user's devices, revoke one session or all of them, keep at most N per user, hear signals about new devices
 * and networks, and end the sessions that never come back.
 *
 * @example
 * ```ts
 * import { redisRegistry, linkUser, revokeOtherSessions } from 'express-logical-session/registry';
 * const registry = redisRegistry({ client, maxSessionsPerUser: 3 });
 * app.use(logicalSession({ registry }));
 * app.post('/login', passport.authenticate('local'), async (req, res) => { await linkUser(req, req.user.id); res.redirect('/'); });
 * ```
 * @packageDocumentation
 */
export { linkUser, revokeOtherSessions } from './link.js';
export { memoryRegistry } from './memory.js';
export { redisRegistry } from './redis/registry.js';
export { sqliteRegistry } from './sqlite/registry.js';
export type {
  DeviceInfo,
  DeviceType,
  LinkResult,
  ParsedUserAgent,
  RedisRegistryOptions,
  RegistryRedisClient,
  RegistryEntry,
  RegistryOptions,
  SessionRegistry,
  SessionSignal,
  SessionSignalType,
  SqliteRegistryOptions,
} from './types.js';
