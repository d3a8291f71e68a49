/** Shared pieces of the SQLite session store tests: real files in a temp dir, callbacks as promises. */
import { hash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SessionData } from 'express-session';
import { afterEach } from 'vitest';
import { SqliteSessionStore, type SqliteSessionStoreOptions } from '../../src/sqlite-store/index.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A callback-style store call as a promise of `{ err, value, calls }`, counting how often it called back. */
export function settle<T>(run: (callback: (err: unknown, value?: T) => void) => void): Promise<{
  err: unknown;
  value: T | undefined;
  calls: number;
}> {
  return new Promise((resolve) => {
    let calls = 0;
    run((err, value) => {
      calls++;
      // A second call would show up in `calls`: resolve a tick later so it has the chance to.
      if (calls === 1) setImmediate(() => resolve({ err, value, calls }));
    });
  });
}

/** The value of a call that must succeed. */
export async function ok<T>(run: (callback: (err: unknown, value?: T) => void) => void): Promise<T | undefined> {
  const { err, value } = await settle(run);
  if (err) throw err as Error;
  return value;
}

/** Session data as express-session would hand it to the store (JSON-shaped), with an optional lifetime. */
export function sessionData(fields: Record<string, unknown> = {}, maxAge?: number): SessionData {
  const data: Record<string, unknown> = { cookie: { originalMaxAge: maxAge ?? null, maxAge, path: '/' }, ...fields };
  return data as unknown as SessionData;
}

/** The row key the store uses for a cookie session ID. */
export const keyOf = (sid: string): Buffer => hash('sha256', sid, 'buffer');

/**
 * Stores and connections on files in a temp dir of each test's own, all closed and the dir removed after each
 * test (call it at the top of a test file).
 */
export function sqliteFixture() {
  let dir: ReturnType<typeof tempDir> | undefined;
  const opened: { close(): unknown }[] = [];
  let files = 0;
  const base = (): string => (dir ??= tempDir('els-sqlite-store-')).path;
  const file = (name = `${++files}.db`): string => join(base(), name);
  afterEach(async () => {
    for (const item of opened.splice(0).reverse()) await item.close();
    dir?.remove();
    dir = undefined;
  });
  return {
    get dir(): string {
      return base();
    },
    file,
    store(options: Partial<SqliteSessionStoreOptions> = {}): SqliteSessionStore {
      const store = new SqliteSessionStore({ path: file(), ...options } as SqliteSessionStoreOptions);
      opened.push(store);
      return store;
    },
    /** A connection of the test's own, e.g. to look at the rows the store wrote. */
    database(path: string): Database.Database {
      const db = new Database(path);
      opened.push(db);
      return db;
    },
  };
}
