/**
 * The default table name.
 *
 * @example
 * ```ts
 * new SqlActivityStore({ sqlite: 'activity.db', table: DEFAULT_ACTIVITY_TABLE });
 * ```
 */
export const DEFAULT_ACTIVITY_TABLE = 'activity_log';

/**
 * SQLite DDL for the activity table and its indexes (`_previous_idx` finds the session that continues one,
 * for the support console's chain); `sql/activity_log.sqlite.sql` is this with the default name.
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
CREATE INDEX IF NOT EXISTS ${table}_previous_idx ON ${table} (json_extract(details, '$.previousId'))
  WHERE activity_type = 'session.start';
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
CREATE INDEX IF NOT EXISTS ${table}_previous_idx ON ${table} ((details ->> 'previousId'))
  WHERE activity_type = 'session.start';
`;
}
