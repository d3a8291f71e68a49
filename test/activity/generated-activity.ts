/**
 * A large activity table generated inside the database (a recursive CTE on SQLite, generate_series on
 * PostgreSQL), and the figures `metrics()` must report on it, computed the plain way in JavaScript from the
 * same pattern. The suite runs it at a few tens of thousands of rows; `bench/metrics.ts` at a million.
 *
 * Session `i` (IDs `g0`, `g1`, ...) starts at `T0 + i * GAP` and has ten events, `STEP` apart:
 * - 0: `session.start`; every tenth session (i % 10 = 1) continues the one before it (`previousId`);
 * - 1: `session.user` for one in three (users `u0`...`u996`, so users repeat), else `page.view`;
 * - 5: `error` for one in twenty, else `page.view`;
 * - 9: `session.end` (logout) for even sessions; for i % 4 = 1 a `session.end` for `idle-timeout`, noticed
 *   `LATE_END` later; else `page.view`.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { ActivityMetrics } from '../../src/activity/reader.js';

export const T0 = Date.UTC(2026, 0, 1);
export const GAP = 26_000;
export const STEP = 60_000;
export const LATE_END = 2 * 3_600_000;
const EVENTS_PER_SESSION = 10;
const USERS = 997;

interface GeneratedEvent {
  readonly at: number;
  readonly type: string;
  readonly reason?: string;
  readonly userId?: string;
}

/** Session `i`'s events, as the SQL below writes them. */
function eventsOf(i: number): GeneratedEvent[] {
  const base = T0 + i * GAP;
  return Array.from({ length: EVENTS_PER_SESSION }, (_, k): GeneratedEvent => {
    const at = base + k * STEP;
    if (k === 0) return { at, type: 'session.start' };
    if (k === 1 && i % 3 === 0) return { at, type: 'session.user', userId: `u${i % USERS}` };
    if (k === 5 && i % 20 === 0) return { at, type: 'error' };
    if (k === 9 && i % 2 === 0) return { at, type: 'session.end', reason: 'logout' };
    if (k === 9 && i % 4 === 1) return { at: base + k * STEP + LATE_END, type: 'session.end', reason: 'idle-timeout' };
    return { at, type: 'page.view' };
  });
}

// One SQL CASE per column, shared by both dialects; `s` is the session number and `k` the event number.
const TYPE = `CASE WHEN k = 0 THEN 'session.start'
  WHEN k = 1 AND s % 3 = 0 THEN 'session.user'
  WHEN k = 5 AND s % 20 = 0 THEN 'error'
  WHEN k = 9 AND (s % 2 = 0 OR s % 4 = 1) THEN 'session.end'
  ELSE 'page.view' END`;
const OFFSET = `(s * ${GAP} + k * ${STEP} + CASE WHEN k = 9 AND s % 4 = 1 THEN ${LATE_END} ELSE 0 END)`;

function detailsSql(object: (...pairs: string[]) => string, text: (expr: string) => string): string {
  return `CASE WHEN k = 0 AND s % 10 = 1 THEN ${object("'reason'", "'regenerate'", "'previousId'", `'g' || ${text('s - 1')}`)}
  WHEN k = 0 THEN ${object("'reason'", "'new'")}
  WHEN k = 1 AND s % 3 = 0 THEN ${object("'userId'", `'u' || ${text(`s % ${USERS}`)}`)}
  WHEN k = 5 AND s % 20 = 0 THEN ${object("'status'", '500', "'message'", "'boom'")}
  WHEN k = 9 AND s % 2 = 0 THEN ${object("'reason'", "'logout'")}
  WHEN k = 9 AND s % 4 = 1 THEN ${object("'reason'", "'idle-timeout'")}
  ELSE ${object("'path'", "'/page'")} END`;
}

/** Writes `sessions` generated sessions into a SQLite table, in one statement. */
export function fillSqlite(db: Database.Database, table: string, sessions: number): void {
  const details = detailsSql(
    (...pairs) => `json_object(${pairs.join(', ')})`,
    (expr) => `CAST(${expr} AS TEXT)`,
  );
  db.prepare(
    `WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < ${sessions * EVENTS_PER_SESSION - 1}),
      e(s, k) AS (SELECT x / ${EVENTS_PER_SESSION}, x % ${EVENTS_PER_SESSION} FROM n)
    INSERT INTO ${table} (session_id, activity_type, details, occurred_at)
    SELECT 'g' || s, ${TYPE}, ${details}, ${T0} + ${OFFSET} FROM e`,
  ).run();
}

/** Writes `sessions` generated sessions into a PostgreSQL table, in one statement. */
export async function fillPostgres(pool: pg.Pool, table: string, sessions: number): Promise<void> {
  const details = detailsSql(
    (...pairs) => `jsonb_build_object(${pairs.join(', ')})`,
    (expr) => `(${expr})::text`,
  );
  await pool.query(
    `INSERT INTO ${table} (session_id, activity_type, details, occurred_at)
    SELECT 'g' || s, ${TYPE}, ${details}, to_timestamp((${T0} + ${OFFSET}) / 1000.0)
    FROM generate_series(0::bigint, ${sessions * EVENTS_PER_SESSION - 1}) AS x,
      LATERAL (SELECT x / ${EVENTS_PER_SESSION} AS s, x % ${EVENTS_PER_SESSION} AS k) AS e`,
  );
  await pool.query(`ANALYZE ${table}`);
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor((sorted.length - 1) / 2);
  return Math.round(((sorted[middle] ?? 0) + (sorted[sorted.length - 1 - middle] ?? 0)) / 2);
}

/** The figures of `[since, until)`, by the definitions of `metrics()`, counted one session at a time. */
export function expectedMetrics(sessions: number, since: number, until: number, idle: number): ActivityMetrics {
  const edges: [number, number][] = [];
  const durations: number[] = [];
  const users = new Set<string>();
  const counts: Record<string, number> = {};
  let seen = 0;
  let activeAtEnd = 0;
  for (let i = 0; i < sessions; i++) {
    const all = eventsOf(i).sort((a, b) => a.at - b.at);
    const inPeriod = all.filter((event) => event.at >= since && event.at < until);
    for (const event of inPeriod) counts[event.type] = (counts[event.type] ?? 0) + 1;
    if (inPeriod.length > 0) {
      seen++;
      for (const event of all) if (event.userId !== undefined && event.at < until) users.add(event.userId);
    }
    const first = all[0];
    if (first !== undefined && first.at >= since && first.at < until) {
      const active = all.filter((event) => event.at < until && !(event.reason === 'idle-timeout'));
      durations.push((active.at(-1)?.at ?? first.at) - first.at);
    }
    const window = all.filter((event) => event.at >= since - idle && event.at < until);
    window.forEach((event, index) => {
      if (event.type === 'session.end') return;
      const next = window[index + 1]?.at ?? event.at + idle;
      const end = Math.min(next, event.at + idle);
      if (end <= since) return;
      edges.push([Math.max(event.at, since), 1], [end, -1]);
      if (end > until) activeAtEnd++;
    });
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let live = 0;
  let peak = 0;
  for (const [at, delta] of edges) {
    live += delta;
    if (at < until) peak = Math.max(peak, live);
  }
  const mean = durations.length === 0 ? null : Math.round(durations.reduce((a, b) => a + b, 0) / durations.length);
  return {
    since,
    until,
    sessionsStarted: durations.length,
    sessionsSeen: seen,
    activeAtEnd,
    medianDurationMs: median(durations),
    meanDurationMs: mean,
    uniqueUsers: users.size,
    peakConcurrent: peak,
    counts,
  };
}
