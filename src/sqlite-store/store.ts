import session, { type SessionData } from 'express-session';
import { LogicalSessionError } from '../core/errors.js';
import { isSameFile, openConnection, type Connection, type Statements } from './connection.js';
import { CALLER, resolveStoreOptions, type StoreConfiguration } from './options.js';
import { decodeSession, encodeSession, expiryOf, sidKey } from './record.js';
import { PRUNE_BATCH, TOUCH_SLACK } from './schema.js';
import { asStoreError, fileReplaced, storeClosed, storeUnavailable } from './store-errors.js';
import type { SqliteSessionStoreOptions } from './types.js';

type Callback<T> = (err: LogicalSessionError | null, value?: T) => void;

/**
 * How often the store checks that its file is still the one at `path`. In WAL mode SQLite keeps writing into
 * a deleted file without a word; checking costs a `stat`, so it runs at most once a second, not per call.
 */
const FILE_CHECK_MS = 1000;

/**
 * An express-session store on SQLite (better-sqlite3): sessions survive a restart, with no server to run.
 *
 * Every call answers through its callback exactly once, never by throwing: a failing database passes an
 * `ERR_ELS_STORE_UNAVAILABLE` error (status 503, the SQLite error as `cause`), a session it cannot hold or read
 * an `ERR_ELS_INVALID_SESSION_RECORD` error. The cookie session ID is stored only as its SHA-256, so the file
 * holds no usable cookie. A session expires with its cookie (`maxAge` in ms, or `expires`), or `ttl` after its
 * last write when the cookie has none; a `touch` rewrites the expiry only when it moves by more than 1% of the
 * lifetime. Expired rows are never returned and are deleted in batches every `cleanupInterval`. Opened from a `path`, the file is in WAL mode with a busy timeout, so several
 * processes on one machine can share it. For several machines, use a networked store such as Redis.
 *
 * @example
 * ```ts
 * import session from 'express-session';
 * import { SqliteSessionStore } from 'express-logical-session/sqlite-store';
 *
 * const store = new SqliteSessionStore({ path: 'var/sessions.db' });
 * app.use(session({ store, secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false }));
 * process.on('SIGTERM', () => void store.close());
 * ```
 */
export class SqliteSessionStore extends session.Store {
  readonly #config: StoreConfiguration;
  readonly #timer: NodeJS.Timeout | undefined;
  #connection: Connection | undefined;
  #closed = false;
  #fileCheckedAt: number;

  constructor(options: SqliteSessionStoreOptions) {
    super();
    this.#config = resolveStoreOptions(options);
    const { source, table, cleanupInterval } = this.#config;
    try {
      this.#connection = openConnection(source, table);
    } catch (err) {
      const what = source.kind === 'path' ? `opening ${source.path} failed` : `preparing table ${table} failed`;
      throw err instanceof LogicalSessionError ? err : storeUnavailable(CALLER, err, what);
    }
    this.#fileCheckedAt = this.#config.now();
    if (cleanupInterval !== false) {
      // A failed cleanup is retried on the next tick; meanwhile expired rows cost disk space, never a wrong answer.
      this.#timer = setInterval(() => void this.prune().catch(() => undefined), cleanupInterval);
      this.#timer.unref();
    }
  }

  /**
   * Passes the session, or `null` when there is none or it expired.
   *
   * @example
   * ```ts
   * store.get(req.sessionID, (err, data) => console.log(err ?? data?.cookie));
   * ```
   */
  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.#call('get', callback, (statements, now) => {
      const key = sidKey('get', sid);
      const row = statements.get.get(key, now) as { sess: unknown } | undefined;
      return row === undefined ? null : decodeSession('get', key, row.sess);
    });
  }

  /**
   * Stores the session (insert or replace) with the expiry of its cookie.
   *
   * @example
   * ```ts
   * store.set(sid, { cookie: { originalMaxAge: 60_000, maxAge: 60_000 } } as SessionData, (err) => {});
   * ```
   */
  override set(sid: string, data: SessionData, callback?: (err?: unknown) => void): void {
    this.#call('set', callback, (statements, now) => {
      statements.set.run(sidKey('set', sid), encodeSession('set', data), expiryOf(data, now, this.#config.ttl));
    });
  }

  /**
   * Moves the expiry of a live session to what its cookie now says; the stored data is not read or rewritten.
   * The row is written only when the expiry moves by more than 1% of the session's lifetime, so steady
   * read-only traffic rarely writes; a session may end that much before its cookie does, never later.
   *
   * @example
   * ```ts
   * store.touch(req.sessionID, req.session, (err) => {});
   * ```
   */
  override touch(sid: string, data: SessionData, callback?: (err?: unknown) => void): void {
    this.#call('touch', callback, (statements, now) => {
      const expires = expiryOf(data, now, this.#config.ttl);
      const staleBelow = expires - Math.max(0, expires - now) / TOUCH_SLACK;
      statements.touch.run(expires, sidKey('touch', sid), now, staleBelow);
    });
  }

  /**
   * Deletes the session.
   *
   * @example
   * ```ts
   * store.destroy(req.sessionID, (err) => {});
   * ```
   */
  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.#call('destroy', callback, (statements) => {
      statements.destroy.run(sidKey('destroy', sid));
    });
  }

  /**
   * Deletes every session.
   *
   * @example
   * ```ts
   * store.clear((err) => {});
   * ```
   */
  override clear(callback?: (err?: unknown) => void): void {
    this.#call('clear', callback, (statements) => {
      statements.clear.run();
    });
  }

  /**
   * Passes the number of live sessions.
   *
   * @example
   * ```ts
   * store.length((err, count) => console.log(count));
   * ```
   */
  override length(callback: (err: unknown, length?: number) => void): void {
    this.#call('length', callback, (statements, now) => (statements.length.get(now) as { count: number }).count);
  }

  /**
   * Passes every live session, keyed by the SHA-256 of its session ID in hex
   * (`crypto.hash('sha256', sid)`), not by the ID: the IDs are never stored. The keys can be compared with the
   * hash of an ID you hold, but not passed to `get` or `destroy`. Reads the whole table, so keep it for tools.
   *
   * @example
   * ```ts
   * store.all((err, sessions) => console.log(Object.keys(sessions ?? {}).length));
   * ```
   */
  override all(callback: (err: unknown, obj?: Record<string, SessionData> | null) => void): void {
    this.#call('all', callback, (statements, now) => {
      const rows = statements.all.all(now) as { sid_hash: Buffer; sess: unknown }[];
      return Object.fromEntries(
        rows.map((row) => [row.sid_hash.toString('hex'), decodeSession('all', row.sid_hash, row.sess)]),
      );
    });
  }

  /**
   * Deletes expired sessions now, in batches of 1000 with a turn of the event loop between them; resolves the
   * number deleted. The `cleanupInterval` timer calls it; with `cleanupInterval: false`, call it yourself.
   *
   * @example
   * ```ts
   * const removed = await store.prune();
   * ```
   */
  async prune(): Promise<number> {
    let removed = 0;
    for (;;) {
      const changes = await new Promise<number>((resolve, reject) => {
        this.#call<number>(
          'prune',
          (err, value) => (err === null ? resolve(value ?? 0) : reject(err)),
          (statements, now) => statements.prune.run(now).changes,
        );
      });
      removed += changes;
      if (changes < PRUNE_BATCH) return removed;
    }
  }

  /**
   * Stops the cleanup timer and closes the database if the store opened it from `path` (a `db` you passed stays
   * open). Later calls answer `ERR_ELS_STORE_UNAVAILABLE`.
   *
   * @example
   * ```ts
   * server.close(() => void store.close());
   * ```
   */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      clearInterval(this.#timer);
      this.#connection?.close();
      this.#connection = undefined;
    }
    return Promise.resolve();
  }

  /**
   * Runs one call: the work is synchronous (better-sqlite3), the answer is delivered on a later turn of the
   * event loop, as MemoryStore does, and a callback that throws is never called a second time.
   */
  #call<T>(
    operation: string,
    callback: Callback<T> | undefined,
    work: (statements: Statements, now: number) => T,
  ): void {
    let value: T;
    try {
      const now = this.#config.now();
      value = work(this.#statements(operation, now), now);
    } catch (err) {
      if (callback !== undefined) setImmediate(callback, asStoreError(operation, err));
      return;
    }
    if (callback !== undefined) setImmediate(callback, null, value);
  }

  #statements(operation: string, now: number): Statements {
    if (this.#closed) throw storeClosed(operation);
    const connection = this.#connection;
    if (connection?.file !== undefined && Math.abs(now - this.#fileCheckedAt) >= FILE_CHECK_MS) {
      this.#fileCheckedAt = now;
      if (!isSameFile(connection.file)) {
        // Drop the stale connection; the next call opens whatever file is at the path now.
        this.#connection = undefined;
        connection.close();
        throw fileReplaced(operation, connection.file.path);
      }
    }
    this.#connection ??= openConnection(this.#config.source, this.#config.table);
    return this.#connection.statements;
  }
}
