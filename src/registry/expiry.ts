import type { ModuleCore } from '../core/modules.js';
import type { EntryTimes } from './backend.js';

/**
 * The times of an entry: live until the middleware's idle or absolute timeout (with neither, `ttl` after the last
 * touch), then kept `ttl` longer so a user who comes back with the same cookie stays linked.
 */
export function entryTimes(
  timeouts: Pick<ModuleCore, 'idleTimeout' | 'absoluteTimeout'>,
  ttl: number,
  createdAt: number,
  lastActivityAt: number,
): EntryTimes {
  const { idleTimeout, absoluteTimeout } = timeouts;
  let expiresAt = idleTimeout === false ? Infinity : lastActivityAt + idleTimeout;
  if (absoluteTimeout !== false) expiresAt = Math.min(expiresAt, createdAt + absoluteTimeout);
  if (expiresAt === Infinity) expiresAt = lastActivityAt + ttl;
  return { createdAt, lastActivityAt, expiresAt, keepUntil: expiresAt + ttl };
}

/**
 * Until when a revoked ID is refused: `ttl`, and at least the idle timeout, past which its session could no
 * longer be used without a rotation.
 */
export function refuseUntil(now: number, ttl: number, idleTimeout: number | false): number {
  return now + Math.max(ttl, idleTimeout === false ? 0 : idleTimeout);
}
