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

/**
 * One stored activity event, as queries return it.
 *
 * @example
 * ```ts
 * { id: '42', eventId: '1b4e…', type: 'upload', details: { file: 'a.pdf' }, at: 1732252800000 }
 * ```
 */
export interface ActivityEntry {
  /** Row ID, as a string (PostgreSQL `bigint` does not fit every JS number). Orders events of the same millisecond. */
  readonly id: string;
  /** The record's `eventId`, or `null` when the writer gave none. */
  readonly eventId: string | null;
  readonly type: string;
  /** The stored JSON, parsed; `null` when the event had no details. */
  readonly details: unknown;
  /** When it happened, epoch milliseconds. */
  readonly at: number;
}

/**
 * Options of {@link SqlActivityStore.timeline}.
 *
 * @example
 * ```ts
 * const older = await store.timeline(id, { limit: 50, before: page[0].at, beforeId: page[0].id });
 * ```
 */
export interface TimelineOptions {
  /** Most entries returned, 1 to 1000. Defaults to `100`. */
  limit?: number;
  /** Only events strictly before this time (epoch ms, or a `Date`). Defaults to no bound. */
  before?: number | Date;
  /**
   * With `before`, also include events at exactly `before` whose `id` is lower than this: pass the oldest
   * entry's `at` and `id` to page without skipping events that share a millisecond.
   */
  beforeId?: string;
}

/**
 * What {@link SqlActivityStore.summary} reports about one session.
 *
 * @example
 * ```ts
 * { sessionId: '3f2a…', firstSeen: 1732252800000, lastSeen: 1732253400000, durationMs: 600000,
 *   total: 12, counts: { 'session.start': 1, upload: 10, error: 1 }, errors: [ … ] }
 * ```
 */
export interface SessionSummary {
  readonly sessionId: string;
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** `lastSeen - firstSeen`, in ms. */
  readonly durationMs: number;
  /** Number of events. */
  readonly total: number;
  /** Events per type. */
  readonly counts: Readonly<Record<string, number>>;
  /** The events of type `error`, oldest first (the latest 100 when there are more). */
  readonly errors: readonly ActivityEntry[];
}

/**
 * Options of {@link SqlActivityStore.sessions}.
 *
 * @example
 * ```ts
 * await store.sessions({ since: Date.now() - 3_600_000, limit: 20 });
 * ```
 */
export interface SessionsOptions {
  /** Only sessions with an event at or after this time (epoch ms, or a `Date`). Defaults to no bound. */
  since?: number | Date;
  /** Most sessions returned, 1 to 1000. Defaults to `50`. */
  limit?: number;
}

/**
 * One row of {@link SqlActivityStore.sessions}: a session and its figures, most recently seen first.
 *
 * @example
 * ```ts
 * { sessionId: '3f2a…', firstSeen: 1732252800000, lastSeen: 1732253400000, total: 12, errors: 1, counts: { upload: 10, … } }
 * ```
 */
export interface SessionListItem {
  readonly sessionId: string;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly total: number;
  /** Number of `error` events. */
  readonly errors: number;
  readonly counts: Readonly<Record<string, number>>;
}
