/**
 * `express-logical-session/sqlite-store`: an express-session store on SQLite, so sessions (and with them the
 * logical session IDs) survive a restart with no server to run.
 *
 * @example
 * ```ts
 * import { SqliteSessionStore } from 'express-logical-session/sqlite-store';
 * app.use(session({ store: new SqliteSessionStore({ path: 'var/sessions.db' }), secret, resave: false, saveUninitialized: false }));
 * ```
 * @packageDocumentation
 */
export { SqliteSessionStore } from './store.js';
export type {
  SqliteSessionDatabase,
  SqliteSessionStatement,
  SqliteSessionStoreCommonOptions,
  SqliteSessionStoreOptions,
} from './types.js';
