/** The SQLite registry's tables: one row per linked session, and the revocations the processes poll. */
export function registrySchema(table: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${table} (
  session_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  entry TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  keep_until INTEGER NOT NULL,
  ended_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ${table}_user ON ${table} (user_id);
CREATE INDEX IF NOT EXISTS ${table}_due ON ${table} (expires_at) WHERE ended_at IS NULL;
CREATE INDEX IF NOT EXISTS ${table}_keep ON ${table} (keep_until);
CREATE TABLE IF NOT EXISTS ${table}_revoked (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  until INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ${table}_revoked_until ON ${table}_revoked (until);`;
}

/** Every statement, prepared once per connection. `entry` holds the whole entry as JSON. */
export function registryStatements(table: string) {
  const revoked = `${table}_revoked`;
  return {
    get: `SELECT entry FROM ${table} WHERE session_id = ?`,
    ofUser: `SELECT entry FROM ${table} WHERE user_id = ?`,
    prune: `DELETE FROM ${table} WHERE user_id = ? AND keep_until <= ?`,
    put: `INSERT OR REPLACE INTO ${table} (session_id, user_id, entry, expires_at, keep_until, ended_at) VALUES (?, ?, ?, ?, ?, ?)`,
    delete: `DELETE FROM ${table} WHERE session_id = ?`,
    due: `SELECT entry FROM ${table} WHERE ended_at IS NULL AND expires_at <= ? LIMIT ?`,
    purge: `DELETE FROM ${table} WHERE session_id IN (SELECT session_id FROM ${table} WHERE keep_until <= ? AND ended_at IS NOT NULL LIMIT ?)`,
    revoke: `INSERT INTO ${revoked} (session_id, reason, until) VALUES (?, ?, ?)`,
    inForce: `SELECT id, session_id AS sessionId, reason, until FROM ${revoked} WHERE until > ? ORDER BY id`,
    since: `SELECT id, session_id AS sessionId, reason, until FROM ${revoked} WHERE id > ? ORDER BY id LIMIT 1000`,
    purgeRevoked: `DELETE FROM ${revoked} WHERE id IN (SELECT id FROM ${revoked} WHERE until <= ? LIMIT ?)`,
  } as const;
}
