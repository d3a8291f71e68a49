import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqlActivityStore } from '../../src/activity/sql-store.js';
import { sqliteSchema } from '../../src/activity/sql-schema.js';
import { describeStoreConformance, type StoreHarness } from './conformance.js';
import { describeOutage } from './outage.js';
import { readOnlySwitch } from '../helpers/read-only.js';
import { activity } from './records.js';
import { tempDir } from '../helpers/temp-dir.js';

function sqliteHarness(): Promise<StoreHarness> {
  const dir = tempDir();
  const file = join(dir.path, 'activity.db');
  // The store opens the file itself (the "file path" convenience); the harness reads through its own connection.
  const store = new SqlActivityStore({ sqlite: file });
  let reader: Database.Database | undefined;
  const read = (): Database.Database => (reader ??= new Database(file, { readonly: true }));
  return Promise.resolve({
    store,
    rawDetails: () => Promise.resolve(read().prepare('SELECT details FROM activity_log').pluck().all()),
    count: () => Promise.resolve(read().prepare('SELECT COUNT(*) FROM activity_log').pluck().get() as number),
    indexes: () =>
      Promise.resolve(
        read()
          .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'activity_log'")
          .pluck()
          .all() as string[],
      ),
    async cleanup() {
      reader?.close();
      await store.close();
      dir.remove();
    },
  });
}

describeStoreConformance('SQLite file', sqliteHarness);

describeOutage('SQLite (file and directory made read-only, then writable again)', () => {
  const dir = tempDir();
  const file = join(dir.path, 'activity.db');
  // The application's own connection, in SQLite's default rollback-journal mode.
  const db = new Database(file);
  const readOnly = readOnlySwitch(db, file, dir.path);
  console.info(`[SQLite outage] write access removed with ${readOnly.method}`);
  return Promise.resolve({
    store: new SqlActivityStore({ sqlite: db }),
    goDown: () => {
      readOnly.apply();
      return Promise.resolve();
    },
    comeBack: () => {
      readOnly.revert();
      return Promise.resolve();
    },
    count: () => Promise.resolve(db.prepare('SELECT COUNT(*) FROM activity_log').pluck().get() as number),
    cleanup: () => {
      readOnly.revert();
      db.close();
      dir.remove();
      return Promise.resolve();
    },
  });
});

describe('SqlActivityStore on SQLite', () => {
  const dirs: { remove: () => void }[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) dir.remove();
  });

  it('works on ":memory:" and on a Database the application opened (left open by close())', async () => {
    const memory = new SqlActivityStore({ sqlite: ':memory:' });
    await memory.write([activity('s', 'upload')]);
    expect(await memory.timeline('s')).toHaveLength(1);
    await memory.close();

    const db = new Database(':memory:');
    const store = new SqlActivityStore({ sqlite: db, table: 'app_activity' });
    await store.write([activity('s', 'upload')]);
    await store.close();
    expect(db.open).toBe(true);
    expect(db.prepare('SELECT COUNT(*) FROM app_activity').pluck().get()).toBe(1);
    db.close();
  });

  it('with createTable: false uses a table made by sql/activity_log.sqlite.sql', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const db = new Database(join(dir.path, 'migrated.db'));
    db.exec(readFileSync(new URL('../../sql/activity_log.sqlite.sql', import.meta.url), 'utf8'));
    const store = new SqlActivityStore({ sqlite: db, createTable: false });
    await store.write([activity('s', 'upload', { file: 'a.pdf' })]);
    expect(db.prepare("SELECT json_extract(details, '$.file') FROM activity_log").pluck().get()).toBe('a.pdf');
    db.close();
  });

  it('ships a SQL file identical to the DDL the store runs', () => {
    const shipped = readFileSync(new URL('../../sql/activity_log.sqlite.sql', import.meta.url), 'utf8');
    expect(shipped.replace(/^--.*\n/gm, '')).toBe(sqliteSchema('activity_log'));
  });

  it('without a table, a write rejects (so the dispatcher retries) instead of creating it', async () => {
    const db = new Database(':memory:');
    const store = new SqlActivityStore({ sqlite: db, createTable: false });
    await expect(store.write([activity('s', 'upload')])).rejects.toThrow(/no such table/);
    db.close();
  });
});
