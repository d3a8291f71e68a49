// A CommonJS module of the same project: `require` resolves the package's CommonJS types (index.d.cts).
import els = require('express-logical-session');
import activity = require('express-logical-session/activity');
import otel = require('express-logical-session/otel');
import sqliteStore = require('express-logical-session/sqlite-store');
import support = require('express-logical-session/support');
import type { Request } from 'express';

export function legacyHandlerId(req: Request): string {
  const stored: els.StoredLogicalSession | undefined = req.session.els;
  const raw: string | undefined = stored; // readable as a plain string
  return raw === undefined ? els.getSessionInfo(req).id : els.getSessionId(req);
}

export const defaultTable: string = activity.DEFAULT_ACTIVITY_TABLE;

export const legacyProcessor: otel.SessionSpanProcessor = otel.sessionSpanProcessor({ lifecycleLogs: false });
export const legacyStore: sqliteStore.SqliteSessionStore = new sqliteStore.SqliteSessionStore({ path: ':memory:' });

export const legacyConsole: ReturnType<typeof support.supportRouter> = support.supportRouter({
  activity: new activity.SqlActivityStore({ sqlite: ':memory:' }),
  authorize: () => false,
});
