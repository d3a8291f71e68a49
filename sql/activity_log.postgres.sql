-- express-logical-session: activity table for PostgreSQL.
-- SqlActivityStore creates this on first use; run it yourself and pass { createTable: false } when
-- your own migrations own the schema. Rename the table (and index prefixes) together with the `table` option.
-- details: jsonb (query it with details->>'file'). event_id is unique so redelivered events are skipped.
CREATE TABLE IF NOT EXISTS activity_log (
  id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id      TEXT UNIQUE,
  session_id    TEXT NOT NULL,
  activity_type TEXT NOT NULL,
  details       JSONB,
  occurred_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS activity_log_session_idx ON activity_log (session_id, occurred_at);
CREATE INDEX IF NOT EXISTS activity_log_occurred_at_idx ON activity_log (occurred_at);
CREATE INDEX IF NOT EXISTS activity_log_previous_idx ON activity_log ((details ->> 'previousId'))
  WHERE activity_type = 'session.start';
