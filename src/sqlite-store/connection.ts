import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadDriver } from './driver.js';
import type { StoreSource } from './options.js';
import { sessionSchema, sessionStatements } from './schema.js';
import type { SqliteSessionDatabase, SqliteSessionStatement } from './types.js';

/**
 * How long better-sqlite3 waits for another process's write lock. It waits synchronously, blocking the event
 * loop, so this stays short: writes here take microseconds, and a lock held for a second means something else
 * is wrong, which a 503 reports better than a stalled process. An app that wants another value passes its own
 * `db`.
 */
export const BUSY_TIMEOUT_MS = 1000;

export type Statements = { readonly [Name in keyof ReturnType<typeof sessionStatements>]: SqliteSessionStatement };

/** The file as it was when opened; another inode at the path means it was deleted or replaced. */
interface FileIdentity {
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
}

/** One open database with the store's statements, prepared once. */
export interface Connection {
  readonly statements: Statements;
  /** Set for a file the store opened itself, which it can check and open again. */
  readonly file: FileIdentity | undefined;
  close(): void;
}

function prepareAll(db: SqliteSessionDatabase, table: string): Statements {
  db.exec(sessionSchema(table));
  const sql = sessionStatements(table);
  return Object.fromEntries(Object.entries(sql).map(([name, source]) => [name, db.prepare(source)])) as Statements;
}

function identityOf(path: string): FileIdentity {
  const { dev, ino } = statSync(path);
  return { path, dev, ino };
}

/** Whether the path still names the file that was opened. */
export function isSameFile(file: FileIdentity): boolean {
  const now = statSync(file.path, { throwIfNoEntry: false });
  return now !== undefined && now.dev === file.dev && now.ino === file.ino;
}

/**
 * Opens a database file the library owns: its directory created, the busy timeout set, and WAL mode with
 * `synchronous = NORMAL` for a file (readers never wait for the writer, several processes can share it, and
 * there is no fsync per write: a crashed process loses nothing committed, a power cut at most the last writes).
 */
export function openDatabaseFile(path: string, caller?: string): SqliteSessionDatabase {
  const Database = loadDriver(undefined, caller);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function openFile(path: string, table: string): Connection {
  const db = openDatabaseFile(path);
  try {
    const statements = prepareAll(db, table);
    return { statements, file: path === ':memory:' ? undefined : identityOf(path), close: () => void db.close() };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Opens the source: the file at `path` (WAL, busy timeout, schema), or the app's own `db` as it is. */
export function openConnection(source: StoreSource, table: string): Connection {
  if (source.kind === 'path') return openFile(source.path, table);
  const statements = prepareAll(source.db, table);
  // The app's database stays the app's: closing the store only forgets the statements.
  return { statements, file: undefined, close: () => undefined };
}
