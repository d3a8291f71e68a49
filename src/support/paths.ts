import { isUsableId } from '../core/ids.js';
import type { TimelineCursor } from './session-view.js';

/**
 * Every link and form target of the console, built from the mount path (`req.baseUrl`, set by the app's
 * routing, never by the client) and encoded values. No href is ever taken from stored data, so none can be
 * `javascript:` or point elsewhere.
 */
export interface ConsolePaths {
  readonly home: string;
  /** The session's page; `undefined` for a value that is not a usable ID (it is then shown as text only). */
  session(sessionId: string, cursor?: TimelineCursor): string | undefined;
  user(userId: string): string;
  revoke(sessionId: string): string;
  /** The form target of the lookup field on the front page. */
  readonly lookup: string;
}

/** The paths of a console mounted at `base` (`''` at the root). */
export function consolePaths(base: string): ConsolePaths {
  const sessions = `${base}/sessions`;
  return {
    home: `${base}/`,
    lookup: sessions,
    session(sessionId, cursor) {
      if (!isUsableId(sessionId)) return undefined;
      const path = `${sessions}/${encodeURIComponent(sessionId)}`;
      if (cursor === undefined) return path;
      return `${path}?${new URLSearchParams({ before: String(cursor.before), beforeId: cursor.beforeId }).toString()}`;
    },
    user: (userId) => `${sessions}?${new URLSearchParams({ user: userId }).toString()}`,
    revoke: (sessionId) => `${sessions}/${encodeURIComponent(sessionId)}/revoke`,
  };
}
