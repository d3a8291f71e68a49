import type { Duration } from '../core/duration.js';

/**
 * The subset of a better-sqlite3 `Statement` the store uses, so the optional driver's types are not
 * needed to compile against this package.
 *
 * @example
 * ```ts
 * const statement: SqliteSessionStatement = db.prepare('SELECT 1 AS one');
 * ```
 */
export interface SqliteSessionStatement {
  /** Runs a write and reports how many rows it changed. */
  run(...params: unknown[]): { changes: number };
  /** Runs a query and returns its first row, or `undefined`. */
  get(...params: unknown[]): unknown;
  /** Runs a query and returns every row. */
  all(...params: unknown[]): unknown[];
}

/**
 * The subset of a better-sqlite3 `Database` the store uses. A `new Database(file)` fits.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * const db: SqliteSessionDatabase = new Database('var/sessions.db', { timeout: 5000 });
 * ```
 */
export interface SqliteSessionDatabase {
  /** Compiles one statement; the store prepares each of its statements once. */
  prepare(source: string): SqliteSessionStatement;
  /** Runs SQL without results: the schema and the pragmas. */
  exec(source: string): unknown;
  /** Closes the database; `close()` calls it only for a database the store opened from `path`. */
  close(): unknown;
}

/**
 * Options of {@link SqliteSessionStore} besides where the sessions live.
 *
 * @example
 * ```ts
 * const common: SqliteSessionStoreCommonOptions = { table: 'app_sessions', ttl: '12h', cleanupInterval: '5m' };
 * ```
 */
export interface SqliteSessionStoreCommonOptions {
  /** Table name: letters, digits and `_`, not starting with a digit. Created if missing. Defaults to `'sessions'`. */
  table?: string;
  /**
   * How long a session lives when its cookie has no expiry (no `maxAge`, no `expires`): milliseconds or a
   * duration string. Each `set` and `touch` starts it again. Defaults to `'1d'`.
   */
  ttl?: Duration;
  /**
   * How often expired rows are deleted, in batches, by a timer that never keeps the process alive; `false`
   * turns the timer off (call `prune()` yourself). Expired rows are never returned either way.
   * Defaults to `'15m'`.
   */
  cleanupInterval?: Duration | false;
  /** The clock, epoch ms, for tests. Defaults to `Date.now`. */
  now?: () => number;
}

/**
 * Options of {@link SqliteSessionStore}: exactly one of `path` or `db`.
 *
 * With `path` the store opens the file itself (creating it and its directory if needed) in WAL mode with
 * `synchronous = NORMAL` and a 1 s busy timeout, so several processes on one machine can share it, and closes
 * it in `close()`. With `db` the connection and its settings stay yours; turn on WAL yourself if several
 * processes share the file.
 *
 * @example
 * ```ts
 * new SqliteSessionStore({ path: 'var/sessions.db' });
 * new SqliteSessionStore({ db: new Database('var/app.db'), table: 'web_sessions' });
 * ```
 */
export type SqliteSessionStoreOptions =
  | (SqliteSessionStoreCommonOptions & {
      /** A database file (created if missing), or `':memory:'`. */
      path: string;
      db?: undefined;
    })
  | (SqliteSessionStoreCommonOptions & {
      /** An open better-sqlite3 `Database`; the store never closes it. */
      db: SqliteSessionDatabase;
      path?: undefined;
    });
