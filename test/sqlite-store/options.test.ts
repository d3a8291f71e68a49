/** Bad options, a missing driver and an unusable file fail at construction, with the option, the value and the fix. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LogicalSessionError } from '../../src/index.js';
import { loadDriver } from '../../src/sqlite-store/driver.js';
import { SqliteSessionStore } from '../../src/sqlite-store/index.js';
import { sqliteFixture } from './harness.js';

const fixture = sqliteFixture();

function failure(options: unknown): LogicalSessionError {
  try {
    new SqliteSessionStore(options as never);
  } catch (err) {
    expect(err).toBeInstanceOf(LogicalSessionError);
    return err as LogicalSessionError;
  }
  throw new Error('the store was created');
}

describe('new SqliteSessionStore() options', () => {
  it.each([
    [undefined, 'path', 'undefined', /Pass a database file such as 'var\/sessions\.db'/],
    [{}, 'path', 'undefined', /or an open better-sqlite3 Database as `db`/],
    [{ path: '' }, 'path', '""', /Pass a database file/],
    [{ path: 42 }, 'path', '42', /Pass a database file/],
    [{ db: {} }, 'db', 'an object', /Pass an open better-sqlite3 Database/],
    [{ path: 'a.db', db: new Database(':memory:') }, 'db', 'an object', /Pass either `path` or `db`, not both\./],
    [{ path: ':memory:', table: 'drop table' }, 'table', '"drop table"', /Use letters, digits and _ only/],
    [{ path: ':memory:', ttl: 'soon' }, 'ttl', '"soon"', /duration string such as '90s'/],
    [{ path: ':memory:', ttl: false }, 'ttl', 'false', /Use milliseconds/],
    [{ path: ':memory:', cleanupInterval: '30d' }, 'cleanupInterval', '"30d"', /at most 2147483647 ms, or false/],
    [{ path: ':memory:', now: 0 }, 'now', '0', /Pass a function, e\.g\. \(\) => Date\.now\(\)\./],
  ])('refuses %o: option `%s` received %s', (options, option, shown, fix) => {
    const err = failure(options);
    expect(err.code).toBe('ERR_ELS_INVALID_OPTION');
    expect(err.message).toContain(`new SqliteSessionStore(): option \`${option}\` received ${shown}. `);
    expect(err.message).toMatch(fix);
  });

  it('refuses options that are not an object, and unknown names with a suggestion', () => {
    expect(failure('sessions.db').message).toBe(
      'new SqliteSessionStore(): expected an options object, received "sessions.db". Call new SqliteSessionStore({ path: \'var/sessions.db\' }).',
    );
    const typo = failure({ path: ':memory:', cleanupIntervall: '1m' });
    expect(typo.code).toBe('ERR_ELS_UNKNOWN_OPTION');
    expect(typo.message).toBe(
      'new SqliteSessionStore(): unknown option `cleanupIntervall`. Did you mean `cleanupInterval`?',
    );
  });

  it('accepts cleanupInterval: false and durations as numbers or strings', () => {
    for (const options of [
      { cleanupInterval: false as const },
      { cleanupInterval: 1000, ttl: 3_600_000 },
      { cleanupInterval: '1m' as const, ttl: '12h' as const },
    ]) {
      const store = new SqliteSessionStore({ path: ':memory:', ...options });
      void store.close();
    }
  });

  it('fails with ERR_ELS_STORE_UNAVAILABLE, naming the file, when it cannot be opened', () => {
    const err = failure({ path: fixture.dir }); // a directory, not a database file
    expect(err.code).toBe('ERR_ELS_STORE_UNAVAILABLE');
    expect(err.message).toContain(`new SqliteSessionStore(): opening ${fixture.dir} failed (SQLITE_CANTOPEN`);
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('fails with ERR_ELS_STORE_UNAVAILABLE when the file is not a SQLite database, and leaves it alone', () => {
    const file = join(fixture.dir, 'notes.txt');
    writeFileSync(file, 'these are not the sessions you are looking for, '.repeat(100));
    const err = failure({ path: file });
    expect(err.code).toBe('ERR_ELS_STORE_UNAVAILABLE');
    expect(err.message).toContain(`opening ${file} failed (SQLITE_NOTADB`);
    expect(err.message).toContain('The file is not a SQLite database');
    expect(readFileSync(file, 'utf8')).toMatch(/^these are not/);
  });

  it('creates the directory of a new database file', async () => {
    const store = new SqliteSessionStore({ path: join(fixture.dir, 'var', 'nested', 'sessions.db') });
    await store.close();
  });

  it('fails with ERR_ELS_MISSING_DEPENDENCY and the install command when better-sqlite3 cannot be loaded', () => {
    const missing = (): never => {
      throw Object.assign(new Error("Cannot find module 'better-sqlite3'\nRequire stack:\n- /app/x.js"), {
        code: 'MODULE_NOT_FOUND',
      });
    };
    expect(() => loadDriver(missing)).toThrow(
      expect.objectContaining({
        code: 'ERR_ELS_MISSING_DEPENDENCY',
        message:
          "new SqliteSessionStore(): better-sqlite3 could not be loaded (Cannot find module 'better-sqlite3'). Install it with `npm install better-sqlite3` (an optional peer dependency of express-logical-session), or pass an open database as `db`.",
      }),
    );
    expect(loadDriver()).toBe(Database);
  });
});
