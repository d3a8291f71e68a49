/**
 * `metrics()`, `successors()`, `sessions({ withErrors })` and the summary's chain fields, on SQLite and
 * PostgreSQL: a hand-counted fixture pins every definition, and a generated table of 50,000 rows (made in
 * SQL) is checked against the same figures counted one session at a time in JavaScript.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postgresSchema, sqliteSchema } from '../../src/activity/sql-schema.js';
import { SqlActivityStore } from '../../src/activity/sql-store.js';
import { describeWith, requirePostgres } from '../helpers/services.js';
import { tempDir } from '../helpers/temp-dir.js';
import { expectedMetrics, fillPostgres, fillSqlite, GAP, STEP, T0 } from './generated-activity.js';
import { activity } from './records.js';

const M = 60_000;
const IDLE = 30 * M;
const at = (minutes: number): number => T0 + minutes * M;

/**
 * Minutes from `since` (T0); the period is [0, 240), idle 30. Live intervals, by hand:
 * A [0, 20), B [30, 80), C [60, 100), D [70, 75), E [230, 265), F [10, 40), H [0, 10); G is after the period.
 */
const FIXTURE = [
  activity('A', 'session.start', { reason: 'new' }, at(-10)),
  activity('A', 'session.user', { userId: 'u3' }, at(-5)),
  activity('A', 'page.view', {}, at(5)),
  activity('A', 'session.end', { reason: 'logout' }, at(20)),
  activity('B', 'session.start', { reason: 'new' }, at(30)),
  activity('B', 'session.user', { userId: 'u1' }, at(31)),
  activity('B', 'error', { status: 500, message: 'boom' }, at(40)),
  activity('B', 'page.view', {}, at(50)),
  activity('C', 'session.start', { reason: 'regenerate', previousId: 'B' }, at(60)),
  activity('C', 'session.user', { userId: 'u1' }, at(61)),
  activity('C', 'page.view', {}, at(70)),
  activity('C', 'session.end', { reason: 'idle-timeout' }, at(200)),
  activity('D', 'session.start', { reason: 'new' }, at(70)),
  activity('D', 'session.user', { userId: 'u2' }, at(71)),
  activity('D', 'session.end', { reason: 'logout' }, at(75)),
  activity('E', 'session.start', { reason: 'new' }, at(230)),
  activity('E', 'page.view', {}, at(235)),
  activity('F', 'session.start', { reason: 'new' }, at(-100)),
  activity('F', 'page.view', {}, at(-40)),
  activity('F', 'page.view', {}, at(10)),
  activity('G', 'session.start', { reason: 'new' }, at(250)),
  activity('H', 'session.start', { reason: 'new' }, at(-20)),
];

interface MetricsHarness {
  readonly store: SqlActivityStore;
  /** Fills a fresh table with the generated sessions. */
  fillGenerated(sessions: number): Promise<SqlActivityStore>;
  cleanup(): Promise<void>;
}

function describeMetrics(name: string, create: () => Promise<MetricsHarness>): void {
  describe(`metrics and the chain: ${name}`, () => {
    let harness: MetricsHarness;
    let store: SqlActivityStore;
    beforeEach(async () => {
      harness = await create();
      store = harness.store;
      await store.write(FIXTURE);
    });
    afterEach(() => harness.cleanup());

    it('counts a period by hand: started, seen, active at the end, durations, users, peak, types', async () => {
      expect(await store.metrics({ since: at(0), until: at(240), idleTimeout: '30m' })).toEqual({
        since: at(0),
        until: at(240),
        sessionsStarted: 4, // B, C, D, E: A, F and H had events before the period, G after it
        sessionsSeen: 6, // A, B, C, D, E, F: H's only event is in the idle time before the period
        activeAtEnd: 1, // E
        medianDurationMs: 7.5 * M, // 5, 5, 10, 20 minutes (C's late idle-timeout end left out)
        meanDurationMs: 10 * M,
        uniqueUsers: 3, // u1 (B and C), u2 (D), u3 (A, linked before the period)
        peakConcurrent: 3, // B, C and D at minute 70
        counts: { 'session.start': 4, 'session.user': 3, error: 1, 'page.view': 5, 'session.end': 3 },
      });
    });

    it('cuts durations and liveness at `until`', async () => {
      expect(await store.metrics({ since: new Date(at(0)), until: new Date(at(65)), idleTimeout: IDLE })).toMatchObject(
        {
          sessionsStarted: 2, // B (20 minutes before until), C (1 minute)
          medianDurationMs: 10.5 * M,
          meanDurationMs: 10.5 * M,
          activeAtEnd: 2, // B and C; C's page view at 70 is after the period
          peakConcurrent: 2,
        },
      );
    });

    it('reports an empty period as zeros and null durations', async () => {
      expect(await store.metrics({ since: at(1000), until: at(2000) })).toEqual({
        since: at(1000),
        until: at(2000),
        sessionsStarted: 0,
        sessionsSeen: 0,
        activeAtEnd: 0,
        medianDurationMs: null,
        meanDurationMs: null,
        uniqueUsers: 0,
        peakConcurrent: 0,
        counts: {},
      });
    });

    it('a longer idle timeout keeps sessions live longer, never past their end', async () => {
      const figures = await store.metrics({ since: at(0), until: at(240), idleTimeout: '4h' });
      expect(figures.activeAtEnd).toBe(3); // B (live until 290), E, F (until 250); C's end at 200 stops it
      expect(figures.peakConcurrent).toBe(5); // B, C, D, F and H at minute 70
      expect(figures.sessionsStarted).toBe(4);
    });

    it('names the chain: previousId, end and user in the summary; successors; sessions with errors', async () => {
      expect(await store.summary('C')).toMatchObject({
        previousId: 'B',
        ended: { at: at(200), reason: 'idle-timeout' },
        userId: 'u1',
      });
      const b = await store.summary('B');
      expect(b?.previousId).toBeUndefined();
      expect(b?.ended).toBeUndefined();
      expect(await store.successors('B')).toEqual(['C']);
      expect(await store.successors('C')).toEqual([]);
      const withErrors = await store.sessions({ since: at(0), withErrors: true });
      expect(withErrors.map((item) => [item.sessionId, item.errors])).toEqual([['B', 1]]);
      expect(await store.sessions({ since: at(41), withErrors: true })).toEqual([]);
    });

    it('agrees with a count one session at a time on 50,000 rows generated in SQL', async () => {
      const sessions = 5000;
      const generated = await harness.fillGenerated(sessions);
      const end = T0 + sessions * GAP + 9 * STEP;
      for (const since of [end - 86_400_000, end - 7 * 86_400_000, T0 + 3_600_000]) {
        const until = since === T0 + 3_600_000 ? T0 + 7_200_000 : end;
        expect(await generated.metrics({ since, until, idleTimeout: IDLE })).toEqual(
          expectedMetrics(sessions, since, until, IDLE),
        );
      }
      expect(await generated.successors('g10')).toEqual(['g11']);
    });
  });
}

describeMetrics('SQLite file', () => {
  const dir = tempDir();
  const file = join(dir.path, 'activity.db');
  const store = new SqlActivityStore({ sqlite: file });
  const opened: Database.Database[] = [];
  return Promise.resolve({
    store,
    fillGenerated(sessions) {
      const db = new Database(join(dir.path, 'generated.db'));
      opened.push(db);
      db.exec(sqliteSchema('activity_log'));
      fillSqlite(db, 'activity_log', sessions);
      return Promise.resolve(new SqlActivityStore({ sqlite: db, createTable: false }));
    },
    async cleanup() {
      await store.close();
      for (const db of opened) db.close();
      dir.remove();
    },
  });
});

const postgres = requirePostgres();
describeWith(postgres, 'PostgreSQL metrics', () => {
  let pool: pg.Pool;
  let counter = 0;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: postgres.available ? postgres.url : '', max: 4 });
  });
  afterAll(() => pool.end());

  describeMetrics('PostgreSQL', () => {
    const tables: string[] = [];
    const table = (): string => {
      const name = `metrics_test_${process.pid}_${counter++}`;
      tables.push(name);
      return name;
    };
    return Promise.resolve({
      store: new SqlActivityStore({ postgres: pool, table: table() }),
      async fillGenerated(sessions) {
        const name = table();
        await pool.query(postgresSchema(name));
        await fillPostgres(pool, name, sessions);
        return new SqlActivityStore({ postgres: pool, table: name, createTable: false });
      },
      async cleanup() {
        for (const name of tables) await pool.query(`DROP TABLE IF EXISTS ${name}`);
      },
    });
  });
});
