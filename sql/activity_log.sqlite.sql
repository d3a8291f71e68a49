-- express-logical-session: activity table for SQLite (better-sqlite3).
-- SqlActivityStore creates this on first use; run it yourself and pass { createTable: false } when
-- your own migrations own the schema. Rename the table (and index prefixes) together with the `table` option.
-- occurred_at: epoch milliseconds. details: JSON text (query it with json_extract(details, '$.file')).
CREATE TABLE IF NOT EXISTS activity_log (
  id            INTEGER PRIMARY KEY,
  event_id      TEXT UNIQUE,
  session_id    TEXT NOT NULL,
  activity_type TEXT NOT NULL,
  details       TEXT CHECK (details IS NULL OR json_valid(details)),
  occurred_at   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS activity_log_session_idx ON activity_log (session_id, occurred_at);
CREATE INDEX IF NOT EXISTS activity_log_occurred_at_idx ON activity_log (occurred_at);
CREATE INDEX IF NOT EXISTS activity_log_previous_idx ON activity_log (json_extract(details, '$.previousId'))
  WHERE activity_type = 'session.start';
