import { describeValue, LogicalSessionError } from '../errors.js';

/**
 * The default table name.
 *
 * @example
 * ```ts
 * new SqlActivityStore({ sqlite: 'activity.db', table: DEFAULT_ACTIVITY_TABLE });
 * ```
 */
export const DEFAULT_ACTIVITY_TABLE = 'activity_log';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,49}$/;

/**
 * Checks a table name once, at construction: it is the only part of the SQL not bound as a parameter,
 * so it must be a plain identifier. Throws `ERR_ELS_INVALID_OPTION` otherwise.
 *
 * @example
 * ```ts
 * validateTableName('activity_log'); // 'activity_log'
 * validateTableName('x; DROP TABLE y'); // throws
 * ```
 */
export function validateTableName(table: unknown): string {
  if (table === undefined) return DEFAULT_ACTIVITY_TABLE;
  if (typeof table === 'string' && IDENTIFIER.test(table)) return table;
  throw new LogicalSessionError(
    'ERR_ELS_INVALID_OPTION',
    `Invalid activity store option \`table\`: received ${describeValue(table)}. Use letters, digits and _ only, ` +
      'not starting with a digit, at most 50 characters (e.g. "activity_log"); set search_path for another PostgreSQL schema.',
  );
}

/**
 * SQLite DDL for the activity table and its indexes; `sql/activity_log.sqlite.sql` is this with the default name.
 *
 * @example
 * ```ts
 * db.exec(sqliteSchema('activity_log'));
 * ```
 */
export function sqliteSchema(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
  id            INTEGER PRIMARY KEY,
  event_id      TEXT UNIQUE,
  session_id    TEXT NOT NULL,
  activity_type TEXT NOT NULL,
  details       TEXT CHECK (details IS NULL OR json_valid(details)),
  occurred_at   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ${table}_session_idx ON ${table} (session_id, occurred_at);
CREATE INDEX IF NOT EXISTS ${table}_occurred_at_idx ON ${table} (occurred_at);
`;
}

/**
 * PostgreSQL DDL for the activity table and its indexes; `sql/activity_log.postgres.sql` is this with the default name.
 *
 * @example
 * ```ts
 * await pool.query(postgresSchema('activity_log'));
 * ```
 */
export function postgresSchema(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
  id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id      TEXT UNIQUE,
  session_id    TEXT NOT NULL,
  activity_type TEXT NOT NULL,
  details       JSONB,
  occurred_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS ${table}_session_idx ON ${table} (session_id, occurred_at);
CREATE INDEX IF NOT EXISTS ${table}_occurred_at_idx ON ${table} (occurred_at);
`;
}
