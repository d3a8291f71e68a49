import { metricsSql, typeCountsSql, type MetricsDialect } from './metrics-sql.js';
import { postgresSchema } from './sql-schema.js';
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
import type { PgQueryable } from './store-types.js';

// Epoch ms as float8, which pg returns as a JS number (bigint and numeric come back as strings).
const MS = (column: string): string => `ROUND(EXTRACT(EPOCH FROM ${column}) * 1000)::float8`;

const SPAN_COLUMNS = `session_id, ${MS('MIN(occurred_at)')} AS first_seen, ${MS('MAX(occurred_at)')} AS last_seen,
  COUNT(*)::int AS total, COUNT(*) FILTER (WHERE activity_type = 'error')::int AS errors`;

// $1 since, $2 until (epoch ms), $3 the idle timeout (ms); the query works on timestamptz throughout.
const DIALECT: MetricsDialect = {
  since: 'to_timestamp($1::float8 / 1000.0)',
  until: 'to_timestamp($2::float8 / 1000.0)',
  idle: "($3::float8 * interval '1 millisecond')",
  least: (a, b) => `LEAST(${a}, ${b})`,
  greatest: (a, b) => `GREATEST(${a}, ${b})`,
  msBetween: (from, to) => `ROUND(EXTRACT(EPOCH FROM (${to} - ${from})) * 1000)::float8`,
  detail: (column, key) => `(${column} ->> '${key}')`,
};

const spansOf = (table: string, filter: string): string => `SELECT ${SPAN_COLUMNS} FROM ${table}
      WHERE session_id IN (SELECT session_id FROM ${table}
        WHERE occurred_at >= to_timestamp($1::float8 / 1000.0)${filter})
      GROUP BY session_id ORDER BY MAX(occurred_at) DESC, session_id LIMIT $2`;

function statements(table: string) {
  return {
    // Five array parameters whatever the batch size: no 65535-parameter limit, one round trip per batch.
    insert: `INSERT INTO ${table} (event_id, session_id, activity_type, details, occurred_at)
      SELECT e, s, t, d, to_timestamp(a / 1000.0)
      FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::float8[]) WITH ORDINALITY AS r(e, s, t, d, a, n)
      ORDER BY n ON CONFLICT (event_id) DO NOTHING`,
    entries: `SELECT id::text AS row_id, event_id, activity_type, details, ${MS('occurred_at')} AS at FROM ${table}
      WHERE session_id = $1 AND ($2::text IS NULL OR activity_type = $2::text)
        AND (occurred_at, id) < (to_timestamp($3::float8 / 1000.0), $4::bigint)
      ORDER BY occurred_at DESC, id DESC LIMIT $5`,
    span: `SELECT ${SPAN_COLUMNS} FROM ${table} WHERE session_id = $1 GROUP BY session_id`,
    spans: spansOf(table, ''),
    errorSpans: spansOf(table, " AND activity_type = 'error'"),
    counts: `SELECT session_id, activity_type, COUNT(*)::int AS count FROM ${table}
      WHERE session_id = ANY($1::text[]) GROUP BY session_id, activity_type`,
    metrics: metricsSql(table, DIALECT),
    // Bound with $1 and $2 only: PostgreSQL cannot type a parameter the statement never uses.
    typeCounts: typeCountsSql(table, DIALECT),
    successors: `SELECT session_id FROM ${table}
      WHERE activity_type = 'session.start' AND (details ->> 'previousId') = $1
      GROUP BY session_id ORDER BY MIN(occurred_at), session_id LIMIT 100`,
  };
}

// Two instances creating the table at once can both pass IF NOT EXISTS; the loser's duplicate error is harmless.
const DUPLICATE_OBJECT = new Set(['23505', '42P07', '42710']);

/**
 * PostgreSQL through a pg `Pool` (or `Client`) the application owns; `close()` leaves it open.
 *
 * @example
 * ```ts
 * const backend = postgresBackend(pool, 'activity_log');
 * ```
 */
export function postgresBackend(client: PgQueryable, table: string): SqlBackend {
  const sql = statements(table);
  const rows = async <T>(text: string, values: unknown[]): Promise<T[]> =>
    (await client.query(text, values)).rows as T[];

  return {
    async migrate() {
      try {
        await client.query(postgresSchema(table));
      } catch (err) {
        if (!DUPLICATE_OBJECT.has(String((err as { code?: unknown }).code))) throw err;
        await client.query(postgresSchema(table));
      }
    },
    async insert(batch: readonly StoredRow[]) {
      await client.query(sql.insert, [
        batch.map((row) => row.eventId),
        batch.map((row) => row.sessionId),
        batch.map((row) => row.type),
        batch.map((row) => row.details),
        batch.map((row) => row.at),
      ]);
    },
    entries: (query: EntriesQuery) =>
      rows<EntryRow>(sql.entries, [query.sessionId, query.type, query.before, query.beforeId, query.limit]),
    async span(sessionId: string) {
      return (await rows<SpanRow>(sql.span, [sessionId]))[0];
    },
    spans: (since: number, limit: number, withErrors: boolean) =>
      rows<SpanRow>(withErrors ? sql.errorSpans : sql.spans, [since, limit]),
    counts: (sessionIds: readonly string[]) => rows<CountRow>(sql.counts, [[...sessionIds]]),
    async metrics(query: MetricsQuery) {
      const [row] = await rows<MetricsRow>(sql.metrics, [query.since, query.until, query.idle]);
      if (row === undefined) throw new Error('the metrics query returned no row');
      return row;
    },
    typeCounts: (query: MetricsQuery) => rows<TypeCountRow>(sql.typeCounts, [query.since, query.until]),
    async successors(sessionId: string) {
      return (await rows<{ session_id: string }>(sql.successors, [sessionId])).map((row) => row.session_id);
    },
    close: () => Promise.resolve(),
  };
}
