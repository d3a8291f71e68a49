const REDACTED = '[session-cookie-id]';
const MAX_DEPTH = 3;
const MAX_KEYS = 20;
const MAX_TEXT = 8192;

/** Replaces every occurrence of the cookie session ID (a credential) in a text. */
export function redact(text: string, cookieSessionId: string | undefined): string {
  return cookieSessionId === undefined || cookieSessionId === '' ? text : text.split(cookieSessionId).join(REDACTED);
}

/** A property read that survives throwing getters and Proxy traps. */
export function readSafely(value: object, key: PropertyKey): unknown {
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

function scrubScalar(value: unknown, cookieSessionId: string | undefined): unknown {
  if (typeof value === 'string')
    return redact(value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value, cookieSessionId);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return `${value.toString()}n`;
  return undefined;
}

function ownKeys(value: object): string[] {
  try {
    return Object.keys(value).slice(0, MAX_KEYS);
  } catch {
    return [];
  }
}

function scrubObject(value: object, cookieSessionId: string | undefined, depth: number): Record<string, unknown> {
  const isError = value instanceof Error;
  // Keeping the prototype keeps the class name (`BadRequestError`) that pino's serializer reports as `type`.
  const copy = (isError ? Object.create(Object.getPrototypeOf(value) as object) : {}) as Record<string, unknown>;
  const keys = new Set(ownKeys(value));
  if (isError) {
    for (const key of ['message', 'stack', 'code', 'status', 'statusCode']) keys.add(key);
    const name = readSafely(value, 'name');
    copy.type = typeof name === 'string' ? name : 'Error';
  }
  for (const key of keys) {
    const field = readSafely(value, key);
    if (key === 'cause' || typeof field === 'object') continue;
    const scrubbed = scrubScalar(field, cookieSessionId);
    if (scrubbed !== undefined) {
      Object.defineProperty(copy, key, { value: scrubbed, enumerable: true, writable: true, configurable: true });
    }
  }
  const cause = readSafely(value, 'cause');
  if (cause !== undefined && depth < MAX_DEPTH) copy.cause = scrubValue(cause, cookieSessionId, depth + 1);
  return copy;
}

function scrubValue(value: unknown, cookieSessionId: string | undefined, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return scrubScalar(value, cookieSessionId) ?? value;
  try {
    return scrubObject(value, cookieSessionId, depth);
  } catch {
    return { message: '[unreadable error]' };
  }
}

/**
 * A loggable copy of anything thrown, with the cookie session ID scrubbed from every string in it (its
 * message, stack, scalar fields and causes): apps and stores do put `req.sessionID` into error messages
 * (`SET sess:<id> failed`), and the library must not log it. Never throws, whatever the value is (a
 * Proxy, throwing getters, a non-string message); an `Error` keeps its class, so loggers name its type.
 */
export function redactError(err: unknown, cookieSessionId: string | undefined): unknown {
  return scrubValue(err, cookieSessionId, 0);
}
