/** One record as it is inserted: every value already made storable. */
export interface StoredRow {
  readonly eventId: string | null;
  readonly sessionId: string;
  readonly type: string;
  readonly details: string | null;
  readonly at: number;
}

// Numeric columns are typed `number | string`: a pg pool with custom type parsers may hand back strings.

/** A row read back, before details are parsed. */
export interface EntryRow {
  /** Not `id`: ORDER BY would then sort by the text alias instead of the integer column. */
  readonly row_id: string;
  readonly event_id: string | null;
  readonly activity_type: string;
  readonly details: unknown;
  readonly at: number | string;
}

/** Figures of one or more sessions, as both databases return them. */
export interface SpanRow {
  readonly session_id: string;
  readonly first_seen: number | string;
  readonly last_seen: number | string;
  readonly total: number | string;
  readonly errors: number | string;
}

/** One (session, type, count) triple. */
export interface CountRow {
  readonly session_id: string;
  readonly activity_type: string;
  readonly count: number | string;
}

/** The figures of a period, one row; see `metrics-sql.ts` for their definitions. */
export interface MetricsRow {
  readonly sessions_started: number | string;
  readonly sessions_seen: number | string;
  readonly active_at_end: number | string;
  readonly mean_duration: number | string | null;
  readonly median_duration: number | string | null;
  readonly peak_concurrent: number | string;
  readonly unique_users: number | string;
}

/** The period of a metrics query, epoch ms, and how long an event keeps its session live. */
export interface MetricsQuery {
  readonly since: number;
  readonly until: number;
  readonly idle: number;
}

/** One (type, count) pair of a period. */
export interface TypeCountRow {
  readonly activity_type: string;
  readonly count: number | string;
}

/** Bounds of an entries query; `type` narrows it to one activity type. */
export interface EntriesQuery {
  readonly sessionId: string;
  readonly type: string | null;
  readonly before: number;
  readonly beforeId: string;
  readonly limit: number;
}

/**
 * What the store needs from a database: one implementation per dialect, values always bound as parameters.
 *
 * @example
 * ```ts
 * const backend: SqlBackend = sqliteBackend(db, 'activity_log');
 * ```
 */
export interface SqlBackend {
  migrate(): Promise<void>;
  insert(rows: readonly StoredRow[]): Promise<void>;
  /** Newest first, at most `limit`. */
  entries(query: EntriesQuery): Promise<EntryRow[]>;
  /** Sessions with an event (an `error` event when `withErrors`) at or after `since`, most recently seen first. */
  spans(since: number, limit: number, withErrors: boolean): Promise<SpanRow[]>;
  span(sessionId: string): Promise<SpanRow | undefined>;
  counts(sessionIds: readonly string[]): Promise<CountRow[]>;
  metrics(query: MetricsQuery): Promise<MetricsRow>;
  typeCounts(query: MetricsQuery): Promise<TypeCountRow[]>;
  /** Sessions whose `session.start` names `sessionId` as `previousId`. */
  successors(sessionId: string): Promise<string[]>;
  close(): Promise<void>;
}

/** Largest row ID either database can hold; the upper bound of an unbounded page. */
export const MAX_ROW_ID = '9223372036854775807';
/** Latest time a JS `Date` can hold; the upper bound of an unbounded page. */
export const MAX_TIME = 8_640_000_000_000_000;
