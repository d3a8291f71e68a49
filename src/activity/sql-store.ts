import type { ActivityRecord, ActivitySink } from '../core/activity-types.js';
import { booleanOption, integerOption, invalidArgument, invalidOption, tableNameOption } from '../core/validation.js';
import { USER_LINK_TYPE } from './metrics-sql.js';
import { postgresBackend } from './postgres-backend.js';
import { beforeIdOf, durationOf, flagOf, limitOf, sessionIdOf, timeOf } from './query-arguments.js';
import { countsBySession, detailOf, keyText, toEntry, toMetrics } from './rows.js';
import { serializeDetails } from './serialize.js';
import { MAX_ROW_ID, MAX_TIME, type SqlBackend, type StoredRow } from './sql-backend.js';
import { DEFAULT_ACTIVITY_TABLE } from './sql-schema.js';
import { openSqliteFile, sqliteBackend } from './sqlite-backend.js';
import type {
  ActivityEntry,
  ActivityMetrics,
  ActivityReader,
  MetricsOptions,
  SessionListItem,
  SessionsOptions,
  SessionSummary,
  TimelineOptions,
} from './reader.js';
import type { SqlActivityStoreOptions, SqliteDatabaseLike } from './store-types.js';

const MAX_ERRORS_IN_SUMMARY = 100;
const DEFAULT_IDLE_TIMEOUT = 30 * 60_000;

const CALLER = 'new SqlActivityStore()';

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
      beforeId: beforeIdOf(options.beforeId, options.before),
    };
    await this.#ensureReady();
    return (await this.#backend.entries(query)).reverse().map(toEntry);
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
    // Only the types the session has: most sessions have no error and no user link, and each query walks its events.
    const latest = (type: string, limit: number): Promise<ActivityEntry[]> =>
      Object.hasOwn(counts, type) ? this.#latest(id, type, limit) : Promise.resolve([]);
    const [errors, start, end, user] = await Promise.all([
      latest('error', MAX_ERRORS_IN_SUMMARY),
      latest('session.start', 1),
      latest('session.end', 1),
      latest(USER_LINK_TYPE, 1),
    ]);
    const firstSeen = Number(span.first_seen);
    const lastSeen = Number(span.last_seen);
    const previousId = detailOf(start[0], 'previousId');
    const userId = detailOf(user[0], 'userId');
    return {
      sessionId: id,
      firstSeen,
      lastSeen,
      durationMs: lastSeen - firstSeen,
      total: Number(span.total),
      counts,
      errors: errors.reverse(),
      ...(previousId === undefined ? {} : { previousId }),
      ...(end[0] === undefined ? {} : { ended: { at: end[0].at, reason: detailOf(end[0], 'reason') ?? 'unknown' } }),
      ...(userId === undefined ? {} : { userId }),
    };
  }

  /** The latest `limit` events of one type, newest first. */
  async #latest(sessionId: string, type: string, limit: number): Promise<ActivityEntry[]> {
    const rows = await this.#backend.entries({ sessionId, type, before: MAX_TIME, beforeId: MAX_ROW_ID, limit });
    return rows.map(toEntry);
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
    const spans = await this.#backend.spans(since, limit, flagOf('withErrors', options.withErrors));
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
   * The figures of the period `[since, until)` across sessions, computed in the database in two queries
   * (no rows are loaded into Node); see {@link ActivityMetrics} for what each figure counts.
   *
   * @example
   * ```ts
   * const day = await store.metrics({ since: Date.now() - 86_400_000, idleTimeout: '30m' });
   * console.log(day.sessionsStarted, day.peakConcurrent, day.counts.error ?? 0);
   * ```
   */
  async metrics(options: MetricsOptions): Promise<ActivityMetrics> {
    const given = options as Partial<MetricsOptions> | null | undefined;
    if (typeof given !== 'object' || given === null || given.since === undefined) {
      throw invalidArgument(
        'SqlActivityStore query',
        'options',
        given,
        'Pass { since, until? }, e.g. { since: Date.now() - 86_400_000 }.',
      );
    }
    const since = timeOf('since', options.since, 0);
    const until = timeOf('until', options.until, Date.now());
    if (until <= since) {
      throw invalidArgument('SqlActivityStore query', 'until', options.until, `Use a time after \`since\` (${since}).`);
    }
    const query = { since, until, idle: durationOf('idleTimeout', options.idleTimeout, DEFAULT_IDLE_TIMEOUT) };
    await this.#ensureReady();
    const [row, types] = await Promise.all([this.#backend.metrics(query), this.#backend.typeCounts(query)]);
    return toMetrics(query, row, types);
  }

  /**
   * The sessions that continue this one (their `session.start` names it as `previousId`), oldest first: the
   * next links of its chain. Usually one; more when a custom `generateId` made parallel rotations diverge.
   *
   * @example
   * ```ts
   * const [next] = await store.successors(sessionId);
   * ```
   */
  async successors(sessionId: string): Promise<string[]> {
    const id = sessionIdOf(sessionId);
    await this.#ensureReady();
    return this.#backend.successors(id);
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
