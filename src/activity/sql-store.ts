import type { ActivityRecord, ActivitySink } from '../core/activity-types.js';
import { booleanOption, integerOption, invalidArgument, invalidOption, tableNameOption } from '../core/validation.js';
import { postgresBackend } from './postgres-backend.js';
import { serializeDetails, storableString, truncateString } from './serialize.js';
import { MAX_ROW_ID, MAX_TIME, type CountRow, type EntryRow, type SqlBackend, type StoredRow } from './sql-backend.js';
import { DEFAULT_ACTIVITY_TABLE } from './sql-schema.js';
import { sqliteBackend } from './sqlite-backend.js';
import type {
  ActivityEntry,
  ActivityReader,
  SessionListItem,
  SessionsOptions,
  SessionSummary,
  TimelineOptions,
} from './reader.js';
import type { SqlActivityStoreOptions, SqliteDatabaseLike } from './store-types.js';

// Bounded so one bad caller cannot bloat the index, which every query of the table walks.
const MAX_KEY_LENGTH = 200;
const MAX_ERRORS_IN_SUMMARY = 100;

const CALLER = 'new SqlActivityStore()';

function limitOf(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 1000) return value;
  throw invalidArgument('SqlActivityStore query', 'limit', value, 'Use a whole number from 1 to 1000.');
}

function timeOf(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms === 'number' && Number.isFinite(ms)) return Math.trunc(ms);
  throw invalidArgument('SqlActivityStore query', name, value, 'Use epoch milliseconds or a Date.');
}

function sessionIdOf(value: unknown): string {
  if (typeof value === 'string' && value !== '') return value;
  throw invalidArgument(
    'SqlActivityStore query',
    'sessionId',
    value,
    'Pass the logical session ID string, e.g. from getSessionId(req).',
  );
}

function keyText(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : String(value);
  } catch {
    text = '[unprintable]';
  }
  return storableString(truncateString(text, MAX_KEY_LENGTH));
}

function parseDetails(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw ?? null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return { unreadable: raw.slice(0, 200) };
  }
}

function toEntry(row: EntryRow): ActivityEntry {
  return {
    id: row.row_id,
    eventId: row.event_id,
    type: row.activity_type,
    details: parseDetails(row.details),
    at: Number(row.at),
  };
}

function countsBySession(rows: readonly CountRow[]): Map<string, Record<string, number>> {
  const bySession = new Map<string, [string, number][]>();
  for (const row of rows) {
    const list = bySession.get(row.session_id) ?? [];
    list.push([row.activity_type, Number(row.count)]);
    bySession.set(row.session_id, list);
  }
  // fromEntries defines own properties, so a type named "__proto__" stays a count, not a prototype.
  return new Map([...bySession].map(([id, list]) => [id, Object.fromEntries(list)]));
}

async function openSqliteFile(path: string): Promise<SqliteDatabaseLike> {
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
 * An activity sink and query API over one SQL table, on SQLite (better-sqlite3) or PostgreSQL (pg).
 *
 * The table `activity_log (id, event_id, session_id, activity_type, details, occurred_at)` and its indexes are
 * created on first use unless `createTable: false` (see `sql/` for the DDL). `details` is stored as JSON, made safe
 * by {@link serializeDetails}; records with an `eventId` already stored are skipped, so at-least-once delivery
 * never duplicates a row. Every value is bound as a parameter. `close()` closes only a database the store opened
 * itself (from a file path); a `Database` or `Pool` you pass stays yours.
 *
 * @example
 * ```ts
 * import { SqlActivityStore } from 'express-logical-session/activity';
 *
 * const store = new SqlActivityStore({ sqlite: 'activity.db' }); // or { postgres: new pg.Pool() }
 * app.use(logicalSession({ activity: store }));
 * const entries = await store.timeline(sessionId, { limit: 50 });
 * ```
 */
export class SqlActivityStore implements ActivitySink, ActivityReader {
  readonly #backend: SqlBackend;
  readonly #createTable: boolean;
  readonly #maxDetailsBytes: number;
  #ready: Promise<void> | undefined;

  constructor(options: SqlActivityStoreOptions) {
    const given: unknown = options;
    if (typeof given !== 'object' || given === null) {
      throw invalidOption(CALLER, 'options', given, 'Pass { sqlite: "activity.db" } or { postgres: pool }.');
    }
    const table = tableNameOption(CALLER, options.table, DEFAULT_ACTIVITY_TABLE);
    this.#createTable = booleanOption(CALLER, 'createTable', options.createTable, true, 'Pass true or false.');
    this.#maxDetailsBytes = integerOption(CALLER, 'maxDetailsBytes', options.maxDetailsBytes, {
      min: 1024,
      fallback: 65_536,
    });
    this.#backend = SqlActivityStore.#backendFor(options, table);
  }

  static #backendFor(options: SqlActivityStoreOptions, table: string): SqlBackend {
    const { sqlite, postgres } = options as { sqlite?: unknown; postgres?: unknown };
    if ((sqlite === undefined) === (postgres === undefined)) {
      throw invalidOption(
        CALLER,
        'options',
        options,
        'Pass exactly one of sqlite (a file path, ":memory:" or a better-sqlite3 Database) or postgres (a pg Pool).',
      );
    }
    if (typeof sqlite === 'string' && sqlite !== '') return sqliteBackend(() => openSqliteFile(sqlite), table, true);
    if (
      typeof sqlite === 'object' &&
      sqlite !== null &&
      typeof (sqlite as Partial<SqliteDatabaseLike>).prepare === 'function'
    ) {
      const db = sqlite as SqliteDatabaseLike;
      return sqliteBackend(() => Promise.resolve(db), table, false);
    }
    if (
      typeof postgres === 'object' &&
      postgres !== null &&
      typeof (postgres as { query?: unknown }).query === 'function'
    ) {
      return postgresBackend(postgres as Parameters<typeof postgresBackend>[0], table);
    }
    const [name, value] = sqlite === undefined ? ['postgres', postgres] : ['sqlite', sqlite];
    throw invalidOption(
      CALLER,
      name,
      value,
      name === 'sqlite' ? 'Pass a file path, ":memory:" or a better-sqlite3 Database.' : 'Pass a pg Pool (or Client).',
    );
  }

  /** Creates the table on first use; a failure (database down) is forgotten so the next call tries again. */
  #ensureReady(): Promise<void> {
    this.#ready ??= (this.#createTable ? this.#backend.migrate() : Promise.resolve()).catch((err: unknown) => {
      this.#ready = undefined;
      throw err;
    });
    return this.#ready;
  }

  /**
   * Inserts a batch in one transaction (one statement on PostgreSQL). Rejects when the database fails, so the
   * dispatcher keeps the batch and retries it.
   *
   * @example
   * ```ts
   * await store.write([{ eventId, sessionId, type: 'upload', details: { file: 'a.pdf' }, at: Date.now() }]);
   * ```
   */
  async write(batch: readonly ActivityRecord[]): Promise<void> {
    if (batch.length === 0) return;
    await this.#ensureReady();
    await this.#backend.insert(batch.map((record) => this.#toRow(record)));
  }

  #toRow(record: ActivityRecord): StoredRow {
    const at = typeof record.at === 'number' && Number.isFinite(record.at) ? Math.trunc(record.at) : Date.now();
    const eventId = typeof record.eventId === 'string' && record.eventId !== '' ? keyText(record.eventId) : null;
    return {
      eventId,
      sessionId: keyText(record.sessionId),
      type: keyText(record.type),
      details: serializeDetails(record.details, { maxBytes: this.#maxDetailsBytes }),
      at,
    };
  }

  /**
   * Events of one session in time order (oldest first): the latest `limit` before `before`, or the latest
   * `limit` overall. Page back by passing the first entry's `at` and `id` as `before` and `beforeId`.
   *
   * @example
   * ```ts
   * const page = await store.timeline(sessionId, { limit: 100 });
   * const older = await store.timeline(sessionId, { limit: 100, before: page[0].at, beforeId: page[0].id });
   * ```
   */
  async timeline(sessionId: string, options: TimelineOptions = {}): Promise<ActivityEntry[]> {
    const query = {
      sessionId: sessionIdOf(sessionId),
      type: null,
      limit: limitOf(options.limit, 100),
      before: timeOf('before', options.before, MAX_TIME),
      beforeId: this.#beforeIdOf(options),
    };
    await this.#ensureReady();
    return (await this.#backend.entries(query)).reverse().map(toEntry);
  }

  #beforeIdOf(options: TimelineOptions): string {
    if (options.beforeId === undefined) return options.before === undefined ? MAX_ROW_ID : '0';
    if (typeof options.beforeId === 'string' && /^\d{1,18}$/.test(options.beforeId)) return options.beforeId;
    throw invalidArgument(
      'SqlActivityStore query',
      'beforeId',
      options.beforeId,
      'Pass the `id` string of an entry this store returned.',
    );
  }

  /**
   * First and last seen, duration, event counts by type and the error events of one session;
   * `undefined` when the session has no events.
   *
   * @example
   * ```ts
   * const summary = await store.summary(sessionId);
   * if (summary) console.log(summary.durationMs, summary.counts.upload, summary.errors.length);
   * ```
   */
  async summary(sessionId: string): Promise<SessionSummary | undefined> {
    const id = sessionIdOf(sessionId);
    await this.#ensureReady();
    const span = await this.#backend.span(id);
    if (span === undefined) return undefined;
    const counts = countsBySession(await this.#backend.counts([id])).get(id) ?? {};
    const errors = await this.#backend.entries({
      sessionId: id,
      type: 'error',
      before: MAX_TIME,
      beforeId: MAX_ROW_ID,
      limit: MAX_ERRORS_IN_SUMMARY,
    });
    const firstSeen = Number(span.first_seen);
    const lastSeen = Number(span.last_seen);
    return {
      sessionId: id,
      firstSeen,
      lastSeen,
      durationMs: lastSeen - firstSeen,
      total: Number(span.total),
      counts,
      errors: errors.reverse().map(toEntry),
    };
  }

  /**
   * Recently active sessions, most recently seen first, with their event counts.
   *
   * @example
   * ```ts
   * const lastHour = await store.sessions({ since: Date.now() - 3_600_000, limit: 20 });
   * ```
   */
  async sessions(options: SessionsOptions = {}): Promise<SessionListItem[]> {
    const since = timeOf('since', options.since, 0);
    const limit = limitOf(options.limit, 50);
    await this.#ensureReady();
    const spans = await this.#backend.spans(since, limit);
    if (spans.length === 0) return [];
    const counts = countsBySession(await this.#backend.counts(spans.map((span) => span.session_id)));
    return spans.map((span) => ({
      sessionId: span.session_id,
      firstSeen: Number(span.first_seen),
      lastSeen: Number(span.last_seen),
      total: Number(span.total),
      errors: Number(span.errors),
      counts: counts.get(span.session_id) ?? {},
    }));
  }

  /**
   * Closes the database if the store opened it from a path; a `Database` or `Pool` you passed stays open.
   *
   * @example
   * ```ts
   * await dispatcher.close(); // flushes, then calls store.close()
   * ```
   */
  async close(): Promise<void> {
    await this.#backend.close();
  }
}
