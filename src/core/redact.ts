const REDACTED = '[session-cookie-id]';

/** Replaces every occurrence of the cookie session ID (a credential) in a text. */
export function redact(text: string, cookieSessionId: string | undefined): string {
  return cookieSessionId === undefined || cookieSessionId === '' ? text : text.split(cookieSessionId).join(REDACTED);
}

/**
 * A loggable copy of an error with the cookie session ID scrubbed from its message and stack:
 * apps do put `req.sessionID` into error messages, and the library must not log it.
 */
export function redactError(err: unknown, cookieSessionId: string | undefined): unknown {
  if (!(err instanceof Error)) return typeof err === 'string' ? redact(err, cookieSessionId) : err;
  const copy: Record<string, unknown> = { type: err.name, message: redact(err.message, cookieSessionId) };
  if (err.stack !== undefined) copy.stack = redact(err.stack, cookieSessionId);
  for (const key of ['code', 'status', 'statusCode'] as const) {
    const value = (err as unknown as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number')
      copy[key] = typeof value === 'string' ? redact(value, cookieSessionId) : value;
  }
  return copy;
}
