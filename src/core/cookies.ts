import type { Request } from 'express';

/**
 * The name of the request cookie that carries this request's express-session ID, or `undefined` when
 * the client sent none (the session was just generated). express-session does not expose its cookie
 * name on the request; the cookie's value, possibly signed (`s:<id>.<signature>`) and URL-encoded,
 * contains the ID.
 */
export function sessionCookieName(req: Request): string | undefined {
  const header = req.headers.cookie;
  const sessionId: unknown = req.sessionID;
  if (header === undefined || typeof sessionId !== 'string' || sessionId === '') return undefined;
  // Most requests are settled here: a header that does not contain the ID, raw or encoded, cannot carry it.
  const encoded = encodeURIComponent(sessionId);
  if (!header.includes(sessionId) && !header.includes(encoded)) return undefined;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0) continue;
    let value = pair.slice(separator + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      continue;
    }
    if (value === sessionId || value.startsWith(`s:${sessionId}.`)) return pair.slice(0, separator).trim();
  }
  return undefined;
}

/** Whether the client sent this session's cookie, i.e. the session was loaded rather than generated. */
export function clientSentSession(req: Request): boolean {
  return sessionCookieName(req) !== undefined;
}
