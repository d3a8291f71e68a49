// What the support console's queries cost on a large activity table: `npx tsx bench/metrics.ts [rows]`
// (default 1,000,000 rows; PostgreSQL too when DATABASE_URL is set). The rows are generated inside the
// database by the suite's generator, the figures are checked against its plain JavaScript count, and the
// times are printed as a Markdown table for bench/FINDINGS.md. Nothing here asserts a time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SqlActivityStore } from '../src/activity/sql-store.js';
import { sqliteSchema, postgresSchema } from '../src/activity/sql-schema.js';
import { expectedMetrics, fillPostgres, fillSqlite, GAP, T0, STEP } from '../test/activity/generated-activity.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const sessions = Math.floor(rows / 10);
const IDLE = 30 * 60_000;
const DAY = 86_400_000;
// The end of the generated traffic, where "the last 24 hours" of a live console would look.
const now = T0 + sessions * GAP + 9 * STEP;

async function timed<T>(run: () => Promise<T>, repeat = 3): Promise<{ result: T; ms: number }> {
  let best = Number.POSITIVE_INFINITY;
  let result: T | undefined;
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    result = await run();
    best = Math.min(best, performance.now() - start);
  }
  return { result: result as T, ms: Math.round(best) };
}

async function measure(name: string, store: SqlActivityStore, fillMs: number): Promise<string[]> {
  const lines: string[] = [];
  for (const [label, since] of [
    ['metrics, last 24 h', now - DAY],
    ['metrics, last 7 days', now - 7 * DAY],
  ] as const) {
    const { result, ms } = await timed(() => store.metrics({ since, until: now, idleTimeout: IDLE }));
    const expected = expectedMetrics(sessions, since, now, IDLE);
    const ok = isDeepStrictEqual({ ...result, counts: { ...result.counts } }, expected);
    if (!ok) console.error(name, label, 'MISMATCH', { result, expected });
    lines.push(
      `| ${name} | ${label} | ${ms} | ${result.sessionsStarted} started, ${result.activeAtEnd} active, peak ${result.peakConcurrent}, ${result.uniqueUsers} users${ok ? '' : ' (MISMATCH)'} |`,
    );
  }
  const errors = await timed(() => store.sessions({ since: now - 7 * DAY, limit: 10, withErrors: true }));
  lines.push(`| ${name} | 10 latest sessions with errors, 7 days | ${errors.ms} | ${errors.result.length} sessions |`);
  const middle = `g${Math.floor(sessions / 2)}`;
  const summary = await timed(() => store.summary(middle));
  lines.push(`| ${name} | summary of one session | ${summary.ms} | ${summary.result?.total ?? 0} events |`);
  const next = await timed(() => store.successors(middle));
  lines.push(`| ${name} | successors of one session | ${next.ms} | ${next.result.join(', ') || 'none'} |`);
  lines.push(`| ${name} | generating ${rows.toLocaleString('en')} rows in SQL | ${fillMs} | |`);
  return lines;
}

async function onSqlite(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'els-metrics-'));
  const db = new Database(join(dir, 'activity.db'));
  db.pragma('journal_mode = WAL');
  try {
    db.exec(sqliteSchema('activity_log'));
    const start = performance.now();
    fillSqlite(db, 'activity_log', sessions);
    db.exec('ANALYZE');
    const fillMs = Math.round(performance.now() - start);
    return await measure('SQLite', new SqlActivityStore({ sqlite: db, createTable: false }), fillMs);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onPostgres(url: string): Promise<string[]> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const table = `activity_bench_${process.pid}`;
  try {
    await pool.query(postgresSchema(table));
    const start = performance.now();
    await fillPostgres(pool, table, sessions);
    const fillMs = Math.round(performance.now() - start);
    return await measure('PostgreSQL', new SqlActivityStore({ postgres: pool, table, createTable: false }), fillMs);
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await pool.end();
  }
}

console.log('| database | query | best of 3, ms | figures |\n|---|---|--:|---|');
console.log((await onSqlite()).join('\n'));
const url = process.env.DATABASE_URL;
if (url !== undefined && url !== '') console.log((await onPostgres(url)).join('\n'));
else console.error('DATABASE_URL is not set: PostgreSQL skipped');
