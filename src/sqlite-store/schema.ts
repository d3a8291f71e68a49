/**
 * The table: one row per session, keyed by the SHA-256 of the cookie session ID (32 bytes), the session as
 * JSON, and its expiry in epoch ms. The expiry index lets every query skip expired rows and lets the
 * cleanup find them without a full scan.
 */
export function sessionSchema(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
  sid_hash BLOB PRIMARY KEY NOT NULL,
  sess TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ${table}_expires_at ON ${table} (expires_at);
`;
}

/**
 * A touch rewrites the expiry only when it would move by more than 1/TOUCH_SLACK of the session's lifetime
 * (14 minutes for a day-long cookie, 0.6 s for a minute-long one). express-session touches on every read-only
 * request; a touch that writes commits to the WAL, one that matches no row costs a fraction of that, so this
 * keeps steady traffic from writing the file on every request.
 */
export const TOUCH_SLACK = 100;

/** Rows deleted per cleanup statement: small enough that one batch never holds the event loop for long. */
export const PRUNE_BATCH = 1000;

/** Every statement of the store. Each filters on `expires_at`, so an expired row is never returned. */
export function sessionStatements(table: string) {
  return {
    get: `SELECT sess FROM ${table} WHERE sid_hash = ? AND expires_at > ?`,
    set: `INSERT INTO ${table} (sid_hash, sess, expires_at) VALUES (?, ?, ?)
      ON CONFLICT (sid_hash) DO UPDATE SET sess = excluded.sess, expires_at = excluded.expires_at`,
    // Only the expiry moves: one UPDATE, no read of the row first; an expired row is not brought back, and a
    // row whose expiry is already at or past the last parameter is not written at all (see TOUCH_SLACK).
    touch: `UPDATE ${table} SET expires_at = ? WHERE sid_hash = ? AND expires_at > ? AND expires_at < ?`,
    destroy: `DELETE FROM ${table} WHERE sid_hash = ?`,
    clear: `DELETE FROM ${table}`,
    length: `SELECT COUNT(*) AS count FROM ${table} WHERE expires_at > ?`,
    all: `SELECT sid_hash, sess FROM ${table} WHERE expires_at > ?`,
    prune: `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE expires_at <= ? LIMIT ${PRUNE_BATCH})`,
  } as const;
}
