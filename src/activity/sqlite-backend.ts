import { sqliteSchema } from './sql-schema.js';
import type { CountRow, EntriesQuery, EntryRow, SpanRow, SqlBackend, StoredRow } from './sql-backend.js';
import type { SqliteDatabaseLike, SqliteStatementLike } from './store-types.js';

const SPAN_COLUMNS = `session_id, MIN(occurred_at) AS first_seen, MAX(occurred_at) AS last_seen, COUNT(*) AS total,
  SUM(CASE WHEN activity_type = 'error' THEN 1 ELSE 0 END) AS errors`;

function statements(table: string) {
  return {
    insert: `INSERT INTO ${table} (event_id, session_id, activity_type, details, occurred_at)
      VALUES (@eventId, @sessionId, @type, @details, @at) ON CONFLICT (event_id) DO NOTHING`,
    entries: `SELECT CAST(id AS TEXT) AS row_id, event_id, activity_type, details, occurred_at AS at FROM ${table}
      WHERE session_id = @sessionId AND (@type IS NULL OR activity_type = @type) AND (occurred_at, id) < (@before, @beforeId)
      ORDER BY occurred_at DESC, id DESC LIMIT @limit`,
    span: `SELECT ${SPAN_COLUMNS} FROM ${table} WHERE session_id = @sessionId GROUP BY session_id`,
    spans: `SELECT ${SPAN_COLUMNS} FROM ${table}
      WHERE session_id IN (SELECT session_id FROM ${table} WHERE occurred_at >= @since)
      GROUP BY session_id ORDER BY last_seen DESC, session_id LIMIT @limit`,
    // json_each binds the whole ID list as one parameter instead of building a placeholder per ID.
    counts: `SELECT session_id, activity_type, COUNT(*) AS count FROM ${table}
      WHERE session_id IN (SELECT value FROM json_each(@ids)) GROUP BY session_id, activity_type`,
  };
}

/**
 * SQLite through better-sqlite3. Calls are synchronous, so each runs in a microtask off the request
 * path; batches are one transaction, which is what makes SQLite inserts fast.
 *
 * @example
 * ```ts
 * const backend = sqliteBackend(() => Promise.resolve(db), 'activity_log', false);
 * ```
 */
export function sqliteBackend(open: () => Promise<SqliteDatabaseLike>, table: string, owned: boolean): SqlBackend {
  const sql = statements(table);
  let database: Promise<SqliteDatabaseLike> | undefined;
  const cache = new Map<string, SqliteStatementLike>();

  const db = async (): Promise<SqliteDatabaseLike> => {
    database ??= open().catch((err: unknown) => {
      database = undefined;
      throw err;
    });
    return database;
  };
  const prepared = async (source: string): Promise<SqliteStatementLike> => {
    const handle = await db();
    let statement = cache.get(source);
    if (statement === undefined) {
      statement = handle.prepare(source);
      cache.set(source, statement);
    }
    return statement;
  };
  const all = async <T>(source: string, params: object): Promise<T[]> => (await prepared(source)).all(params) as T[];

  return {
    async migrate() {
      (await db()).exec(sqliteSchema(table));
    },
    async insert(rows: readonly StoredRow[]) {
      const handle = await db();
      const insert = await prepared(sql.insert);
      handle.exec('BEGIN IMMEDIATE');
      try {
        for (const row of rows) insert.run(row);
        handle.exec('COMMIT');
      } catch (err) {
        if (handle.inTransaction) handle.exec('ROLLBACK');
        throw err;
      }
    },
    entries: (query: EntriesQuery) => all<EntryRow>(sql.entries, { ...query, beforeId: BigInt(query.beforeId) }),
    async span(sessionId: string) {
      return (await all<SpanRow>(sql.span, { sessionId }))[0];
    },
    spans: (since: number, limit: number) => all<SpanRow>(sql.spans, { since, limit }),
    counts: (sessionIds: readonly string[]) => all<CountRow>(sql.counts, { ids: JSON.stringify(sessionIds) }),
    async close() {
      cache.clear();
      if (owned && database !== undefined) (await database).close();
      database = undefined;
    },
  };
}
