import { resolve } from 'node:path';
import {
  durationOption,
  functionOption,
  hasMethods,
  invalidOption,
  MAX_TIMER_MS,
  optionNames,
  type OptionNames,
  optionsObject,
  rejectUnknown,
  tableNameOption,
} from '../core/validation.js';
import type { SqliteSessionDatabase, SqliteSessionStoreOptions } from './types.js';

/** Where the sessions live: a file the store opens (and may reopen), or a connection the app owns. */
export type StoreSource =
  { readonly kind: 'path'; readonly path: string } | { readonly kind: 'db'; readonly db: SqliteSessionDatabase };

/** The store's options resolved once, at construction. */
export interface StoreConfiguration {
  readonly source: StoreSource;
  readonly table: string;
  readonly ttl: number;
  readonly cleanupInterval: number | false;
  readonly now: () => number;
}

export const CALLER = 'new SqliteSessionStore()';
const OPTION_NAMES = optionNames({
  path: true,
  db: true,
  table: true,
  ttl: true,
  cleanupInterval: true,
  now: true,
} satisfies OptionNames<SqliteSessionStoreOptions>);
const EXAMPLE = "new SqliteSessionStore({ path: 'var/sessions.db' })";
const DAY = 86_400_000;
const FIFTEEN_MINUTES = 15 * 60_000;

/**
 * Where a SQLite module's data lives: exactly one of `path` (a file, made absolute) or `db` (an open better-sqlite3
 * Database). Shared with the SQLite registry, so both read and refuse these options alike.
 */
export function sourceOf(
  given: Record<string, unknown>,
  { caller = CALLER, example = EXAMPLE, file = 'var/sessions.db' } = {},
): StoreSource {
  const { path, db } = given;
  if (path !== undefined && db !== undefined) {
    throw invalidOption(caller, 'db', db, 'Pass either `path` or `db`, not both.');
  }
  if (db !== undefined) {
    if (hasMethods(db, ['prepare', 'exec', 'close'])) return { kind: 'db', db: db as SqliteSessionDatabase };
    throw invalidOption(caller, 'db', db, `Pass an open better-sqlite3 Database, e.g. new Database("${file}").`);
  }
  if (typeof path === 'string' && path !== '' && !path.includes('\0')) {
    // Absolute now, so a later process.chdir() cannot move the data to another file.
    return { kind: 'path', path: path === ':memory:' ? path : resolve(path) };
  }
  throw invalidOption(
    caller,
    'path',
    path,
    `Pass a database file such as '${file}' (or ':memory:'), or an open better-sqlite3 Database as \`db\`: ${example}.`,
  );
}

/** Validates every option, so a mistake fails at start-up with the option, the value and the fix. */
export function resolveStoreOptions(options: unknown): StoreConfiguration {
  const given = optionsObject(CALLER, options, EXAMPLE);
  rejectUnknown(CALLER, 'option', given, OPTION_NAMES);
  const source = sourceOf(given);
  const now = functionOption(CALLER, 'now', given.now, '() => Date.now()') as (() => number) | undefined;
  return {
    source,
    table: tableNameOption(CALLER, given.table, 'sessions'),
    ttl: durationOption(CALLER, 'ttl', given.ttl, { fallback: DAY }) as number,
    cleanupInterval: durationOption(CALLER, 'cleanupInterval', given.cleanupInterval, {
      fallback: FIFTEEN_MINUTES,
      allowFalse: true,
      max: MAX_TIMER_MS,
    }),
    now: now ?? Date.now,
  };
}
