import type { Duration } from '../core/duration.js';

/**
 * The read side of an activity store: what the support console and other tools need to answer "what
 * happened in session X?". `SqlActivityStore` implements it on SQLite and PostgreSQL; a team that keeps
 * activity elsewhere implements the three required calls and gets the same console. The optional ones add
 * to it: `metrics` the console's overview, `successors` the next link of a session's chain.
 *
 * @example
 * ```ts
 * const reader: ActivityReader = new SqlActivityStore({ sqlite: 'activity.db' });
 * const summary = await reader.summary(sessionId);
 * const page = await reader.timeline(sessionId, { limit: 50 });
 * ```
 */
export interface ActivityReader {
  /**
   * Events of one session in time order (oldest first): the latest `limit` before `before`, or the latest
   * `limit` overall. Page back by passing the first entry's `at` and `id` as `before` and `beforeId`.
   */
  timeline(sessionId: string, options?: TimelineOptions): Promise<ActivityEntry[]>;
  /** First and last seen, duration, counts by type and the errors of one session; `undefined` when it has no events. */
  summary(sessionId: string): Promise<SessionSummary | undefined>;
  /** Recently active sessions, most recently seen first, with their event counts. */
  sessions(options?: SessionsOptions): Promise<SessionListItem[]>;
  /** The figures of a period across sessions; see {@link ActivityMetrics}. */
  metrics?(options: MetricsOptions): Promise<ActivityMetrics>;
  /** The sessions that continue this one: those whose `session.start` names it as `previousId`. */
  successors?(sessionId: string): Promise<string[]>;
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
 * Options of {@link ActivityReader.timeline}.
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
 * What {@link ActivityReader.summary} reports about one session.
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
  /** The session this one continues: `details.previousId` of its `session.start`, when it has one. */
  readonly previousId?: string;
  /** When and why it ended: its `session.end` event, when one was recorded. */
  readonly ended?: { readonly at: number; readonly reason: string };
  /** The user it was linked to: `details.userId` of its latest `session.user` event, when one was recorded. */
  readonly userId?: string;
}

/**
 * Options of {@link ActivityReader.sessions}.
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
  /** Only sessions with an `error` event at or after `since`. Defaults to `false`. */
  withErrors?: boolean;
}

/**
 * One row of {@link ActivityReader.sessions}: a session and its figures, most recently seen first.
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

/**
 * Options of {@link ActivityReader.metrics}: the period `[since, until)`.
 *
 * @example
 * ```ts
 * await store.metrics({ since: Date.now() - 86_400_000 }); // the last 24 hours
 * ```
 */
export interface MetricsOptions {
  /** Start of the period, inclusive (epoch ms, or a `Date`). */
  since: number | Date;
  /** End of the period, exclusive (epoch ms, or a `Date`). Defaults to now. */
  until?: number | Date;
  /**
   * How long a session stays live after an event: use `logicalSession()`'s `idleTimeout`. Milliseconds or a
   * duration string. Defaults to `'30m'`, its default.
   */
  idleTimeout?: Duration;
}

/**
 * The figures of one period across sessions, computed in the database. A session is *live* from each of its
 * events until its next event or `idleTimeout` later, whichever comes first, and not after its `session.end`.
 *
 * @example
 * ```ts
 * { since: 1732166400000, until: 1732252800000, sessionsStarted: 412, sessionsSeen: 530, activeAtEnd: 37,
 *   medianDurationMs: 240000, meanDurationMs: 611000, uniqueUsers: 198, peakConcurrent: 58,
 *   counts: { 'session.start': 412, 'page.view': 9120, error: 14 } }
 * ```
 */
export interface ActivityMetrics {
  readonly since: number;
  readonly until: number;
  /** Sessions whose first event falls in the period. */
  readonly sessionsStarted: number;
  /** Sessions with at least one event in the period. */
  readonly sessionsSeen: number;
  /** Sessions live at `until`. */
  readonly activeAtEnd: number;
  /**
   * Median and mean duration of the sessions started in the period: first event to last event before `until`
   * (a `session.end` for `idle-timeout` or `expired` is left out: it is recorded when the timeout is noticed).
   * `null` when no session started.
   */
  readonly medianDurationMs: number | null;
  readonly meanDurationMs: number | null;
  /** Distinct `details.userId` of the `session.user` events (recorded by the registry) of the sessions seen. */
  readonly uniqueUsers: number;
  /** Most sessions live at one instant of the period. */
  readonly peakConcurrent: number;
  /** Events of the period by type. */
  readonly counts: Readonly<Record<string, number>>;
}
