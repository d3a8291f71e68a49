import { ErrorCodes, LogicalSessionError } from '../core/errors.js';

// The fix for each primary SQLite result code; extended codes share it (SQLITE_IOERR_WRITE: SQLITE_IOERR).
const HINTS: Readonly<Record<string, string>> = {
  SQLITE_READONLY:
    'The database file or its directory is not writable: check their permissions and that the file system is not mounted read-only.',
  SQLITE_FULL:
    'The disk (or the max_page_count of the database) is full: free space; expired sessions are pruned every cleanupInterval.',
  SQLITE_BUSY:
    'Another connection held a write lock for longer than the busy timeout: look for a long transaction or a VACUUM in another process.',
  SQLITE_LOCKED:
    'Another statement on the same connection holds the table: do not run long queries on the database of the store.',
  SQLITE_CANTOPEN: 'The database file could not be opened: check that it and its directory exist and are readable.',
  SQLITE_IOERR: 'Reading or writing the database file failed: check the disk, its permissions and free space.',
  SQLITE_CORRUPT: 'The database file is damaged: restore it from a backup, or delete it (every session is lost).',
  SQLITE_NOTADB: 'The file is not a SQLite database: point `path` at the sessions database.',
};
const GENERIC_HINT = 'Check the database file, its directory and the disk.';

function familyOf(code: unknown): string | undefined {
  return typeof code === 'string' ? /^SQLITE_[A-Z]+/.exec(code)?.[0] : undefined;
}

/**
 * The error for a database that failed: 503, the SQLite error as `cause`. `where` names the call
 * (`'SqliteSessionStore.get'`, `'new SqliteSessionStore()'`), `what` the step that failed.
 */
export function storeUnavailable(where: string, err: unknown, what = 'the database failed'): LogicalSessionError {
  const code = (err as { code?: unknown } | null)?.code;
  const detail = err instanceof Error ? err.message : String(err);
  const family = familyOf(code);
  const hint = family === undefined ? GENERIC_HINT : (HINTS[family] ?? GENERIC_HINT);
  return new LogicalSessionError(
    ErrorCodes.STORE_UNAVAILABLE,
    `${where}: ${what} (${typeof code === 'string' ? `${code}: ` : ''}${detail}). ${hint}`,
    { cause: err, status: 503 },
  );
}

/** The error for a call after `close()`. */
export function storeClosed(operation: string): LogicalSessionError {
  return new LogicalSessionError(
    ErrorCodes.STORE_UNAVAILABLE,
    `SqliteSessionStore.${operation}: the store is closed. Call close() only at shutdown, after the server stopped taking requests.`,
    { status: 503 },
  );
}

/** The error for a database file that was deleted or replaced while the store had it open. */
export function fileReplaced(operation: string, path: string): LogicalSessionError {
  return new LogicalSessionError(
    ErrorCodes.STORE_UNAVAILABLE,
    `SqliteSessionStore.${operation}: the database file ${path} was deleted or replaced while open; sessions written since then went nowhere. The store now opens the file found at that path; keep the file out of reach of temp-file cleaners (such as systemd-tmpfiles for /tmp).`,
    { status: 503 },
  );
}

/** The error for one session the store cannot hold or read. */
export function invalidRecord(operation: string, problem: string, cause?: unknown): LogicalSessionError {
  return new LogicalSessionError(ErrorCodes.INVALID_SESSION_RECORD, `SqliteSessionStore.${operation}: ${problem}`, {
    cause,
    status: 503,
  });
}

/** What a failed call passes on: the store's own errors as they are, anything else as the database failing. */
export function asStoreError(operation: string, err: unknown): LogicalSessionError {
  return err instanceof LogicalSessionError ? err : storeUnavailable(`SqliteSessionStore.${operation}`, err);
}
