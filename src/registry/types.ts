import type { Request } from 'express';
import type { Duration } from '../core/duration.js';
import type { SessionReason } from '../core/events.js';
import type { LogicalSessionModule } from '../core/modules.js';

/**
 * What the registry keeps of a device: read from the User-Agent, so only what Chrome's UA reduction leaves
 * reliable (browser family and major version, OS family, the kind of device) and the raw header cut to 256
 * characters.
 *
 * @example
 * ```ts
 * const device: DeviceInfo = { browser: 'Firefox', browserVersion: '128', os: 'Windows', type: 'desktop', userAgent: ua };
 * ```
 */
export interface DeviceInfo {
  /** Browser family: `'Chrome'`, `'Firefox'`, `'Safari'`, `'Edge'`, `'Opera'`, `'Samsung Internet'`, … */
  readonly browser?: string;
  /** The browser's major version, as a string (`'126'`). */
  readonly browserVersion?: string;
  /** OS family: `'Windows'`, `'macOS'`, `'iOS'`, `'Android'`, `'Linux'`, `'ChromeOS'`. */
  readonly os?: string;
  readonly type: DeviceType;
  /** The raw User-Agent, cut to 256 characters (`''` when the request sent none). */
  readonly userAgent: string;
}

/**
 * The kind of device a User-Agent names.
 *
 * @example
 * ```ts
 * const mobileFirst = (type: DeviceType): boolean => type === 'mobile' || type === 'tablet';
 * ```
 */
export type DeviceType = 'desktop' | 'mobile' | 'tablet' | 'bot' | 'unknown';

/**
 * What a User-Agent parser returns: {@link DeviceInfo} without the raw header, which the registry adds.
 *
 * @example
 * ```ts
 * const parseUserAgent = (ua: string): ParsedUserAgent => ({ type: ua.includes('Mobile') ? 'mobile' : 'desktop' });
 * ```
 */
export type ParsedUserAgent = Omit<DeviceInfo, 'userAgent'>;

/**
 * One live session of a user, as `registry.list(userId)` and `registry.get(sessionId)` return it. It never
 * holds the cookie session ID.
 *
 * @example
 * ```ts
 * app.get('/account/devices', async (req, res) => {
 *   const sessions: RegistryEntry[] = await registry.list(req.user.id);
 *   res.json(sessions.map((s) => ({ id: s.sessionId, device: s.device.browser, seen: s.lastActivityAt })));
 * });
 * ```
 */
export interface RegistryEntry {
  /** The logical session ID (never the cookie session ID). */
  readonly sessionId: string;
  readonly userId: string;
  /** When this logical session started, epoch ms. */
  readonly createdAt: number;
  /** Refreshed with the library's own touch (at most once per `touchInterval`), epoch ms. */
  readonly lastActivityAt: number;
  /** When `linkUser` linked it, epoch ms. */
  readonly linkedAt: number;
  readonly device: DeviceInfo;
  /** `req.ip` cut to /24 (IPv4) or /48 (IPv6), e.g. `'203.0.113.0/24'`; `undefined` without a usable IP. */
  readonly ipPrefix: string | undefined;
}

/**
 * The kinds of signal: `new-device` (a browser/OS pair none of the user's other live sessions uses),
 * `new-network` (an IP prefix none of them uses), `device-changed` (one logical session seen from a second
 * browser family), `many-sessions` (a login beyond `maxSessionsPerUser`).
 *
 * @example
 * ```ts
 * const alerts: SessionSignalType[] = ['new-device', 'device-changed'];
 * ```
 */
export type SessionSignalType = 'new-device' | 'new-network' | 'device-changed' | 'many-sessions';

/**
 * Something worth telling the user or the security team about. Signals inform; they never revoke anything.
 *
 * @example
 * ```ts
 * const registry = redisRegistry({
 *   client,
 *   onSignal: (signal: SessionSignal) => {
 *     if (signal.type === 'new-device') mailer.send(signal.userId, `New sign-in from ${signal.device.browser}`);
 *   },
 * });
 * ```
 */
export interface SessionSignal {
  readonly type: SessionSignalType;
  readonly sessionId: string;
  readonly userId: string;
  /** Epoch ms. */
  readonly at: number;
  /** The device of the request that gave the signal. */
  readonly device: DeviceInfo;
  readonly ipPrefix: string | undefined;
  /** `device-changed`: the browser family the session was seen with before. */
  readonly previousBrowser?: string;
  /** `many-sessions`: how many live sessions the user had with this one, before the eviction. */
  readonly sessions?: number;
}

/**
 * What `linkUser(req, userId)` resolves.
 *
 * @example
 * ```ts
 * const { evicted, signals }: LinkResult = await linkUser(req, user.id);
 * if (evicted.length > 0) req.log.info({ evicted }, 'signed out the oldest sessions');
 * ```
 */
export interface LinkResult {
  readonly sessionId: string;
  /** The logical IDs revoked (reason `evicted`) to stay within `maxSessionsPerUser`; never this session. */
  readonly evicted: readonly string[];
  readonly signals: readonly SessionSignal[];
}

/**
 * A registry of the users' sessions, as `redisRegistry()`, `sqliteRegistry()` and `memoryRegistry()` return
 * it; pass it to `logicalSession({ registry })`.
 *
 * @example
 * ```ts
 * const registry: SessionRegistry = memoryRegistry({ maxSessionsPerUser: 3 });
 * app.use(logicalSession({ registry }));
 * app.post('/account/sessions/:id/revoke', async (req, res) => res.json({ live: await registry.revoke(req.params.id) }));
 * ```
 */
export interface SessionRegistry extends LogicalSessionModule {
  /** The user's live sessions, most recently active first. Expired entries never appear. */
  list(userId: string): Promise<RegistryEntry[]>;
  /** One live entry, or `undefined`. */
  get(sessionId: string): Promise<RegistryEntry | undefined>;
  /**
   * Ends that session wherever it is used next (reason `revoked` by default): its next request, on any
   * instance, starts a new anonymous logical session with a new cookie. Resolves whether it was live.
   */
  revoke(sessionId: string, reason?: SessionReason): Promise<boolean>;
  /** Revokes every live session of the user; resolves how many. */
  revokeAll(userId: string, reason?: SessionReason): Promise<number>;
  /** Ends the sessions that passed their idle or absolute timeout (reason `expired`) now; resolves how many. */
  sweep(): Promise<number>;
  /** Stops the sweep and the revocation listener, and releases what the registry opened. */
  close(): Promise<void>;
}

/**
 * Options every registry takes.
 *
 * @example
 * ```ts
 * const common: RegistryOptions = { maxSessionsPerUser: 3, sweepInterval: '1m', onSignal: (s) => audit(s) };
 * ```
 */
export interface RegistryOptions {
  /**
   * At most this many live sessions per user: `linkUser` revokes the least recently active others (reason
   * `evicted`), never the current one. Defaults to no limit.
   */
  maxSessionsPerUser?: number;
  /**
   * How often the sweep ends sessions that passed their idle or absolute timeout without coming back (reason
   * `expired`), on one instance at a time; `false` turns the timer off (call `registry.sweep()`). The timer
   * never keeps the process alive. Defaults to `'1m'`.
   */
  sweepInterval?: Duration | false;
  /**
   * How long the registry remembers a session after its last use: an expired entry waits this long for its
   * user to come back with the same cookie (the next logical ID then takes the entry over), a revoked ID is
   * refused this long (at least the idle timeout), and with neither an idle nor an absolute timeout an entry
   * lives this long after its last touch. Set it to at least your session cookie's lifetime. Defaults to `'1d'`.
   */
  ttl?: Duration;
  /** Every backend call is bounded by this deadline, then rejects with `ERR_ELS_REGISTRY_FAILED`. Defaults to `'1s'`. */
  timeout?: Duration;
  /** Replaces the built-in User-Agent parser (given the header cut to 512 characters). */
  parseUserAgent?: (userAgent: string) => ParsedUserAgent;
  /** Replaces the IP prefix: `req.ip` cut to /24 or /48 by default. Return `undefined` for none. */
  ipPrefix?: (req: Request) => string | undefined;
  /** Hears every signal (also recorded as activity `session.signal`); sync or async, never fails a request. */
  onSignal?: (signal: SessionSignal, req: Request | undefined) => unknown;
  /** The clock, epoch ms, for tests; the middleware's `now` is used when this is unset. */
  now?: () => number;
}

/**
 * The part of a node-redis 5 client (`createClient()`, or `createCluster()` for Redis Cluster) the Redis
 * registry uses, written structurally so the declarations need no Redis types.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client: RegistryRedisClient = await createClient({ url: process.env.REDIS_URL }).connect();
 * ```
 */
export interface RegistryRedisClient {
  /** Runs a script with its text (the first time a server sees it). */
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  /** Runs a script by its SHA1: every registry step is one script on one hash slot. */
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  /** The revocation listener subscribes on a duplicate, so the app's client is never put in subscriber mode. */
  duplicate(): RegistryRedisClient;
  /** Connects the duplicate. */
  connect(): Promise<unknown>;
  /** `error` and `ready` of the duplicate: a reconnect makes the registry load the revocations it may have missed. */
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  /** Hears the revocations every instance publishes. */
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  /** Closes the duplicate at `registry.close()` (the app's own client is never closed). */
  destroy(): void;
}

/**
 * Options of `redisRegistry()`.
 *
 * @example
 * ```ts
 * const registry = redisRegistry({ client, keyPrefix: 'myapp:sessions:', maxSessionsPerUser: 5 });
 * ```
 */
export interface RedisRegistryOptions extends RegistryOptions {
  /** The app's connected node-redis 5 client or cluster. The registry never closes it. */
  client: RegistryRedisClient;
  /** Prefix of every key and of the revocation channel. Defaults to `'els:registry:'`. */
  keyPrefix?: string;
}

/**
 * Options of `sqliteRegistry()`: exactly one of `path` or `db`.
 *
 * @example
 * ```ts
 * sqliteRegistry({ path: 'var/registry.db', maxSessionsPerUser: 3 });
 * ```
 */
export type SqliteRegistryOptions = RegistryOptions & {
  /** Table name prefix: the registry uses `<table>` and `<table>_revoked`. Defaults to `'session_registry'`. */
  table?: string;
  /** How often this process looks for revocations made by others. Defaults to `'500ms'` (at most 1000 ms). */
  pollInterval?: Duration;
} & (
    | {
        /** A database file (created with its directory if missing), opened in WAL mode. */
        path: string;
        db?: undefined;
      }
    | {
        /** An open better-sqlite3 `Database`; the registry never closes it. */
        db: import('../sqlite-store/types.js').SqliteSessionDatabase;
        path?: undefined;
      }
  );
