import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqlActivityStore } from '../../src/activity/sql-store.js';
import { LogicalSessionError } from '../../src/core/errors.js';

describe('SqlActivityStore options and query arguments', () => {
  const db = new Database(':memory:');
  afterAll(() => db.close());

  it.each([
    [{}, /Pass exactly one of sqlite .* or postgres/],
    [{ sqlite: ':memory:', postgres: {} }, /Pass exactly one of/],
    [{ sqlite: 42 }, /^new SqlActivityStore\(\): option `sqlite` received 42\. Pass a file path/],
    [{ postgres: {} }, /option `postgres` received an object\. Pass a pg Pool/],
    [
      { sqlite: ':memory:', table: 'x; DROP TABLE y' },
      /option `table` received "x; DROP TABLE y"\. Use letters, digits and _ only/,
    ],
    [{ sqlite: ':memory:', table: 'a'.repeat(51) }, /`table`/],
    [
      { sqlite: ':memory:', maxDetailsBytes: 10 },
      /option `maxDetailsBytes` received 10\. Use a whole number from 1024/,
    ],
  ])('rejects %j at construction with ERR_ELS_INVALID_OPTION', (options, message) => {
    const create = () => new SqlActivityStore(options as never);
    expect(create).toThrow(LogicalSessionError);
    expect(create).toThrow(message);
    try {
      create();
    } catch (err) {
      expect((err as LogicalSessionError).code).toBe('ERR_ELS_INVALID_OPTION');
    }
  });

  it.each([
    ['an empty session ID', (store: SqlActivityStore) => store.timeline('')],
    ['a non-string session ID', (store: SqlActivityStore) => store.summary(42 as never)],
    ['a limit above 1000', (store: SqlActivityStore) => store.timeline('s', { limit: 1001 })],
    ['a fractional limit', (store: SqlActivityStore) => store.sessions({ limit: 2.5 })],
    ['a non-time before', (store: SqlActivityStore) => store.timeline('s', { before: 'yesterday' as never })],
    [
      'a beforeId that is not a row ID',
      (store: SqlActivityStore) => store.timeline('s', { before: 1, beforeId: '1 OR 1=1' }),
    ],
    ['an invalid Date since', (store: SqlActivityStore) => store.sessions({ since: new Date(Number.NaN) })],
    ['a withErrors that is not a boolean', (store: SqlActivityStore) => store.sessions({ withErrors: 'yes' as never })],
    ['metrics without options', (store: SqlActivityStore) => store.metrics(undefined as never)],
    ['metrics without since', (store: SqlActivityStore) => store.metrics({} as never)],
    ['metrics with until before since', (store: SqlActivityStore) => store.metrics({ since: 2000, until: 1000 })],
    ['metrics with an empty period', (store: SqlActivityStore) => store.metrics({ since: 1000, until: 1000 })],
    [
      'metrics with a bad idleTimeout',
      (store: SqlActivityStore) => store.metrics({ since: 0, idleTimeout: 'soon' as never }),
    ],
    ['metrics with a zero idleTimeout', (store: SqlActivityStore) => store.metrics({ since: 0, idleTimeout: 0 })],
    ['successors of an empty ID', (store: SqlActivityStore) => store.successors('')],
  ])('rejects %s with ERR_ELS_INVALID_ARGUMENT', async (_, query) => {
    const store = new SqlActivityStore({ sqlite: db });
    await expect(query(store)).rejects.toMatchObject({ code: 'ERR_ELS_INVALID_ARGUMENT' });
  });
});
