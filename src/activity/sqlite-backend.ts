import { metricsSql, typeCountsSql, type MetricsDialect } from './metrics-sql.js';
import { sqliteSchema } from './sql-schema.js';
import type {
  CountRow,
  EntriesQuery,
  EntryRow,
  MetricsQuery,
  MetricsRow,
  SpanRow,
  SqlBackend,
  StoredRow,
  TypeCountRow,
} from './sql-backend.js';
import type { SqliteDatabaseLike, SqliteStatementLike } from './store-types.js';

const SPAN_COLUMNS = `session_id, MIN(occurred_at) AS first_seen, MAX(occurred_at) AS last_seen, COUNT(*) AS total,
  SUM(CASE WHEN activity_type = 'error' THEN 1 ELSE 0 END) AS errors`;

// Times are epoch ms integers, so time arithmetic is plain arithmetic.
const DIALECT: MetricsDialect = {
  since: '@since',
  until: '@until',
  idle: '@idle',
  least: (a, b) => `MIN(${a}, ${b})`,
  greatest: (a, b) => `MAX(${a}, ${b})`,
  msBetween: (from, to) => `(${to} - ${from})`,
  detail: (column, key) => `CAST(json_extract(${column}, '$.${key}') AS TEXT)`,
};

const spansOf = (table: string, filter: string): string => `SELECT ${SPAN_COLUMNS} FROM ${table}
      WHERE session_id IN (SELECT session_id FROM ${table} WHERE occurred_at >= @since${filter})
      GROUP BY session_id ORDER BY last_seen DESC, session_id LIMIT @limit`;

function statements(table: string) {
  return {
    insert: `INSERT INTO ${table} (event_id, session_id, activity_type, details, occurred_at)
      VALUES (@eventId, @sessionId, @type, @details, @at) ON CONFLICT (event_id) DO NOTHING`,
    entries: `SELECT CAST(id AS TEXT) AS row_id, event_id, activity_type, details, occurred_at AS at FROM ${table}
      WHERE session_id = @sessionId AND (@type IS NULL OR activity_type = @type) AND (occurred_at, id) < (@before, @beforeId)
      ORDER BY occurred_at DESC, id DESC LIMIT @limit`,
    span: `SELECT ${SPAN_COLUMNS} FROM ${table} WHERE session_id = @sessionId GROUP BY session_id`,
    spans: spansOf(table, ''),
    errorSpans: spansOf(table, " AND activity_type = 'error'"),
    // json_each binds the whole ID list as one parameter instead of building a placeholder per ID.
    counts: `SELECT session_id, activity_type, COUNT(*) AS count FROM ${table}
      WHERE session_id IN (SELECT value FROM json_each(@ids)) GROUP BY session_id, activity_type`,
    metrics: metricsSql(table, DIALECT),
    typeCounts: typeCountsSql(table, DIALECT),
    // The same expression as the partial index on it, so SQLite uses the index.
    successors: `SELECT session_id FROM ${table}
      WHERE activity_type = 'session.start' AND json_extract(details, '$.previousId') = @sessionId
      GROUP BY session_id ORDER BY MIN(occurred_at), session_id LIMIT 100`,
  };
}

/** Opens a database file (or `':memory:'`) for a store given a path. */
export async function openSqliteFile(path: string): Promise<SqliteDatabaseLike> {
  // Loaded on first use: better-sqlite3 is an optional peer dependency, needed only by SQLite users.
  const { default: Database } = await import('better-sqlite3');
  // A short busy timeout: better-sqlite3 waits synchronously, and a long wait would stall every request.
  const db = new Database(path, { timeout: 100 });
  if (path !== ':memory:') {
    // WAL lets support queries read while writes go on; NORMAL sync is safe in WAL mode (no corruption) and
    // avoids an fsync per batch on the thread that also serves requests.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  return db;
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
    spans: (since: number, limit: number, withErrors: boolean) =>
      all<SpanRow>(withErrors ? sql.errorSpans : sql.spans, { since, limit }),
    counts: (sessionIds: readonly string[]) => all<CountRow>(sql.counts, { ids: JSON.stringify(sessionIds) }),
    async metrics(query: MetricsQuery) {
      const [row] = await all<MetricsRow>(sql.metrics, query);
      if (row === undefined) throw new Error('the metrics query returned no row');
      return row;
    },
    typeCounts: (query: MetricsQuery) => all<TypeCountRow>(sql.typeCounts, query),
    async successors(sessionId: string) {
      return (await all<{ session_id: string }>(sql.successors, { sessionId })).map((row) => row.session_id);
    },
    async close() {
      cache.clear();
      if (owned && database !== undefined) (await database).close();
      database = undefined;
    },
  };
}
