import { USER_LINK_ACTIVITY } from '../core/activity-types.js';
/**
 * The `metrics()` query, written once for both databases: a dialect supplies the few expressions that
 * differ (how the bounds are bound, time arithmetic, JSON access), so the definitions cannot drift apart.
 *
 * Definitions (the README's "Metrics" table says the same in prose):
 * - a session is *live* from each of its events until its next event or `idleTimeout` later, whichever
 *   comes first; a `session.end` stops it. Peak concurrency and "active at the end" count live sessions.
 *   Only the events of the period and of the idle time before it are read, through the time index.
 * - a session *started* in the period when its first event falls in `[since, until)`; its duration runs
 *   from that event to its last one before `until`, leaving out a `session.end` for `idle-timeout` or
 *   `expired`, which is recorded when the timeout is noticed rather than when the user left.
 * - unique users: distinct `details.userId` of the `session.user` events of the sessions seen in the period.
 */

/** The expressions that differ between SQLite and PostgreSQL. */
export interface MetricsDialect {
  /** The bound `since`, `until` and `idleTimeout` parameters, as SQL expressions. */
  readonly since: string;
  readonly until: string;
  readonly idle: string;
  readonly least: (a: string, b: string) => string;
  readonly greatest: (a: string, b: string) => string;
  /** Milliseconds from `from` to `to`, as a number. */
  readonly msBetween: (from: string, to: string) => string;
  /** A top-level key of the `details` column, as text. */
  readonly detail: (column: string, key: string) => string;
}

/** The activity type whose `details.userId` links a session to a user (recorded by the registry). */
export const USER_LINK_TYPE = USER_LINK_ACTIVITY;

/** Reasons of a `session.end` that is recorded when the next request notices the timeout, not when it happened. */
const LATE_END_REASONS = `'idle-timeout', 'expired'`;

/** The one-row figures of a period. */
export function metricsSql(table: string, d: MetricsDialect): string {
  return `WITH
  -- The period and the idle time before it: an event that recent can still keep a session live into the period.
  -- MATERIALIZED keeps it a range scan of the time index: computing LEAD straight from the table makes SQLite
  -- walk the whole session index in order, whatever the period.
  raw AS MATERIALIZED (
    SELECT id, session_id, activity_type, occurred_at,
      CASE WHEN activity_type = 'session.end' AND ${d.detail('details', 'reason')} IN (${LATE_END_REASONS})
        THEN 1 ELSE 0 END AS late_end,
      CASE WHEN activity_type = '${USER_LINK_TYPE}' THEN ${d.detail('details', 'userId')} END AS user_id
    FROM ${table}
    WHERE occurred_at >= ${d.since} - ${d.idle} AND occurred_at < ${d.until}
  ),
  period AS MATERIALIZED (
    SELECT session_id, activity_type, occurred_at, late_end,
      LAG(occurred_at) OVER w AS prev_at, LAG(activity_type) OVER w AS prev_type,
      LEAD(occurred_at) OVER w AS next_at, LEAD(activity_type) OVER w AS next_type
    FROM raw WINDOW w AS (PARTITION BY session_id ORDER BY occurred_at, id)
  ),
  spans AS MATERIALIZED (
    SELECT session_id, MIN(occurred_at) AS first_at, MAX(occurred_at) AS last_at,
      MAX(CASE WHEN late_end = 0 THEN occurred_at END) AS last_active_at
    FROM period GROUP BY session_id
  ),
  -- The sessions with an event in the period, and whether they have events older than what \`raw\` read.
  seen AS MATERIALIZED (
    SELECT session_id, first_at, last_active_at,
      EXISTS (SELECT 1 FROM ${table} p WHERE p.session_id = s.session_id AND p.occurred_at < ${d.since} - ${d.idle})
        AS older
    FROM spans s WHERE last_at >= ${d.since}
  ),
  started AS MATERIALIZED (
    SELECT ${d.msBetween('first_at', 'COALESCE(last_active_at, first_at)')} AS duration
    FROM seen WHERE first_at >= ${d.since} AND NOT older
  ),
  -- Links read with the period, plus the older links of the few sessions that began before it.
  users AS (
    SELECT r.user_id FROM raw r JOIN seen s ON s.session_id = r.session_id WHERE r.user_id IS NOT NULL
    UNION ALL
    SELECT ${d.detail('u.details', 'userId')} FROM ${table} u JOIN seen s ON s.session_id = u.session_id
    WHERE s.older AND u.activity_type = '${USER_LINK_TYPE}' AND u.occurred_at < ${d.since} - ${d.idle}
  ),
  ranked AS (
    SELECT duration, ROW_NUMBER() OVER (ORDER BY duration) AS n, COUNT(*) OVER () AS total FROM started
  ),
  -- A run of events less than the idle timeout apart is one live stretch: +1 where it starts, -1 where it
  -- stops (idle after its last event, or at the session's end). Counting stretches rather than events keeps
  -- the sort below to about two rows per session. Both edges are moved up to \`since\` when earlier.
  edges AS (
    SELECT ${d.greatest('occurred_at', d.since)} AS at, 1 AS delta FROM period
    WHERE activity_type <> 'session.end'
      AND (prev_at IS NULL OR prev_type = 'session.end' OR occurred_at > prev_at + ${d.idle})
    UNION ALL
    SELECT ${d.greatest(d.least(`COALESCE(next_at, occurred_at + ${d.idle})`, `occurred_at + ${d.idle}`), d.since)}, -1
    FROM period
    WHERE activity_type <> 'session.end'
      AND (next_at IS NULL OR next_type = 'session.end' OR next_at > occurred_at + ${d.idle})
  ),
  -- Ends sort before starts at the same instant, so a stretch that stops where another starts counts once, and
  -- the edges moved up to \`since\` only ever dip below the true count there.
  running AS (
    SELECT at, SUM(delta) OVER (ORDER BY at, delta ROWS UNBOUNDED PRECEDING) AS concurrent FROM edges
  )
SELECT
  (SELECT COUNT(*) FROM started) AS sessions_started,
  (SELECT COUNT(*) FROM seen) AS sessions_seen,
  (SELECT COUNT(*) FROM period WHERE activity_type <> 'session.end' AND next_at IS NULL
    AND occurred_at + ${d.idle} > ${d.until}) AS active_at_end,
  (SELECT AVG(duration) FROM started) AS mean_duration,
  (SELECT AVG(duration) FROM ranked WHERE n IN ((total + 1) / 2, (total + 2) / 2)) AS median_duration,
  (SELECT COALESCE(MAX(concurrent), 0) FROM running WHERE at < ${d.until}) AS peak_concurrent,
  (SELECT COUNT(DISTINCT user_id) FROM users) AS unique_users`;
}

/** Events of the period by type. */
export function typeCountsSql(table: string, d: MetricsDialect): string {
  return `SELECT activity_type, COUNT(*) AS count FROM ${table}
    WHERE occurred_at >= ${d.since} AND occurred_at < ${d.until} GROUP BY activity_type`;
}
