/**
 * The subset of a better-sqlite3 `Statement` the store uses, so the optional driver's types are not
 * needed to compile against this package.
 *
 * @example
 * ```ts
 * const statement: SqliteStatementLike = db.prepare('SELECT 1');
 * ```
 */
export interface SqliteStatementLike {
  /** Runs an insert or a DDL statement. */
  run(...params: unknown[]): unknown;
  /** Runs a query and returns every row. */
  all(...params: unknown[]): unknown[];
}

/**
 * The subset of a better-sqlite3 `Database` the store uses. A `new Database(path)` fits.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * const db: SqliteDatabaseLike = new Database('activity.db');
 * ```
 */
export interface SqliteDatabaseLike {
  /** Compiles one statement; the store caches what it prepares. */
  prepare(source: string): SqliteStatementLike;
  /** Runs SQL without results: the schema and transaction control. */
  exec(source: string): unknown;
  /** Whether a transaction is still open, so a failed batch is rolled back only when needed. */
  readonly inTransaction: boolean;
  /** Closes the database; called by `close()` only when the store opened it from a path. */
  close(): unknown;
}

/**
 * The subset of a pg `Pool` (or `Client`) the store uses.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * const pool: PgQueryable = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * ```
 */
export interface PgQueryable {
  /** Runs one parameterised statement (`$1`, `$2`, ...) and resolves with its rows. */
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Options of {@link SqlActivityStore}: exactly one of `sqlite` or `postgres`.
 *
 * @example
 * ```ts
 * new SqlActivityStore({ sqlite: 'activity.db' });
 * new SqlActivityStore({ postgres: pool, table: 'app_activity' });
 * ```
 */
export type SqlActivityStoreOptions =
  | (SqlActivityStoreCommonOptions & { sqlite: string | SqliteDatabaseLike; postgres?: undefined })
  | (SqlActivityStoreCommonOptions & { postgres: PgQueryable; sqlite?: undefined });

/**
 * Options shared by both databases.
 *
 * @example
 * ```ts
 * const common: SqlActivityStoreCommonOptions = { table: 'activity_log', createTable: false };
 * ```
 */
export interface SqlActivityStoreCommonOptions {
  /** Table name: letters, digits and `_`, not starting with a digit. Defaults to `'activity_log'`. */
  table?: string;
  /**
   * Create the table and its indexes on first use (`CREATE ... IF NOT EXISTS`). Set `false` when you run
   * the SQL in `sql/` with your own migrations. Defaults to `true`.
   */
  createTable?: boolean;
  /** Largest stored `details` JSON in UTF-8 bytes; bigger details are replaced by a marked preview. Defaults to `65536`. */
  maxDetailsBytes?: number;
}
