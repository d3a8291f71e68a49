import { createRequire } from 'node:module';
import { ErrorCodes, LogicalSessionError } from '../core/errors.js';
import { CALLER } from './options.js';
import type { SqliteSessionDatabase } from './types.js';

/** better-sqlite3's `Database` constructor, as far as the store uses it. */
export type DatabaseConstructor = new (path: string, options: { timeout: number }) => SqliteSessionDatabase;

/**
 * Loads better-sqlite3 on first use: it is an optional peer dependency, needed only by SQLite users. The load is
 * a synchronous `require` (through `createRequire`, which works in the ESM build and, with tsup's shims, in the
 * CommonJS build) because express-session calls the store as soon as the first request arrives, so the
 * constructor must return a store that is ready.
 */
export function loadDriver(
  load: (id: string) => unknown = createRequire(import.meta.url),
  caller: string = CALLER,
): DatabaseConstructor {
  try {
    return load('better-sqlite3') as DatabaseConstructor;
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n', 1)[0] : String(err);
    throw new LogicalSessionError(
      ErrorCodes.MISSING_DEPENDENCY,
      `${caller}: better-sqlite3 could not be loaded (${reason}). Install it with \`npm install better-sqlite3\` (an optional peer dependency of express-logical-session), or pass an open database as \`db\`.`,
      { cause: err },
    );
  }
}
