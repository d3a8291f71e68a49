import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postgresSchema } from '../../src/activity/sql-schema.js';
import { SqlActivityStore } from '../../src/activity/sql-store.js';
import { describeWith, requirePostgres } from '../helpers/services.js';
import { describeStoreConformance, type StoreHarness } from './conformance.js';
import { describeOutage } from './outage.js';
import { activity } from './records.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

const postgres = requirePostgres();
let tableCounter = 0;

/** A table name no other test file or concurrent run uses. */
function uniqueTable(): string {
  return `activity_test_${process.pid}_${Date.now().toString(36)}_${tableCounter++}`;
}

describeWith(postgres, 'PostgreSQL activity store', () => {
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: postgres.available ? postgres.url : '', max: 4 });
  });
  afterAll(async () => {
    await pool.end();
  });

  async function dropTable(table: string): Promise<void> {
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
  }

  describeStoreConformance('PostgreSQL', () => {
    const table = uniqueTable();
    const harness: StoreHarness = {
      store: new SqlActivityStore({ postgres: pool, table }),
      rawDetails: async () =>
        (await pool.query<{ details: unknown }>(`SELECT details FROM ${table}`)).rows.map((row) => row.details),
      count: async () => (await pool.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${table}`)).rows[0]!.n,
      indexes: async () =>
        (
          await pool.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE tablename = $1', [table])
        ).rows.map((row) => row.indexname),
      cleanup: () => dropTable(table),
    };
    return Promise.resolve(harness);
  });

  let proxy: TcpProxy | undefined;
  describeOutage('PostgreSQL (server unreachable, then back)', async () => {
    const target = new URL(postgres.available ? postgres.url : 'postgres://localhost');
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const proxied = new URL(target);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const outagePool = new pg.Pool({ connectionString: proxied.toString(), max: 2, connectionTimeoutMillis: 2000 });
    // Idle clients whose socket the outage cuts emit 'error' on the pool; applications must listen, and so do we.
    outagePool.on('error', () => undefined);
    const table = uniqueTable();
    const running = proxy;
    return {
      store: new SqlActivityStore({ postgres: outagePool, table }),
      goDown: () => running.stop(),
      comeBack: () => running.start(),
      count: async () => (await pool.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${table}`)).rows[0]!.n,
      async cleanup() {
        await outagePool.end();
        await running.stop();
        await dropTable(table);
      },
    };
  });

  it('a closed pool makes writes reject (for the dispatcher to count and retry), never throw synchronously', async () => {
    const closed = new pg.Pool({ connectionString: postgres.available ? postgres.url : '' });
    await closed.end();
    const store = new SqlActivityStore({ postgres: closed, table: uniqueTable() });
    const writing = store.write([activity('s', 'upload')]);
    await expect(writing).rejects.toThrow(/pool/i);
  });

  it('with createTable: false uses a table made by sql/activity_log.postgres.sql, which matches the DDL the store runs', async () => {
    const shipped = readFileSync(new URL('../../sql/activity_log.postgres.sql', import.meta.url), 'utf8');
    expect(shipped.replace(/^--.*\n/gm, '')).toBe(postgresSchema('activity_log'));
    const table = uniqueTable();
    try {
      await pool.query(shipped.replace(/^--.*\n/gm, '').replaceAll('activity_log', table));
      const store = new SqlActivityStore({ postgres: pool, table, createTable: false });
      await store.write([activity('s', 'upload', { file: 'a.pdf' })]);
      const { rows } = await pool.query<{ file: string }>(`SELECT details->>'file' AS file FROM ${table}`);
      expect(rows).toEqual([{ file: 'a.pdf' }]);
    } finally {
      await dropTable(table);
    }
  });
});
