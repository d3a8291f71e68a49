// A CommonJS module of the same project: `require` resolves the package's CommonJS types (index.d.cts).
import els = require('express-logical-session');
import activity = require('express-logical-session/activity');
import type { Request } from 'express';

export function legacyHandlerId(req: Request): string {
  const stored: els.StoredLogicalSession | undefined = req.session.els;
  return stored?.id ?? els.getSessionId(req);
}

export const defaultTable: string = activity.DEFAULT_ACTIVITY_TABLE;
