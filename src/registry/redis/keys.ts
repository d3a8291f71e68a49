import { hash } from 'node:crypto';

/** What may stay as it is in a key name; everything else is percent-encoded byte by byte. */
const PLAIN = /^[A-Za-z0-9._@-]$/;
/** An escaped ID longer than this is replaced by its SHA-256, so a long user ID never makes a long key. */
const MAX_ESCAPED = 200;

/**
 * An ID as it may appear in a key name: no brace (a Redis Cluster hash tag), colon, space, newline or NUL
 * from a client ever reaches a key unescaped, and distinct IDs never share a name.
 */
export function escapeId(id: string): string {
  let escaped = '';
  for (const byte of Buffer.from(id, 'utf8')) {
    const char = String.fromCharCode(byte);
    escaped += PLAIN.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  // `#` is escaped above, so a digest can never collide with an escaped ID.
  return escaped.length <= MAX_ESCAPED ? escaped : `#${hash('sha256', id)}`;
}

/**
 * The key layout, for Redis Cluster: one user's keys share a hash slot (the hash tag is the escaped user ID),
 * the sweep's index and the revocations each live in a slot of their own.
 */
export class KeyLayout {
  constructor(readonly prefix: string) {}

  /** The user's sessions (sorted set, scored by the time each entry may be deleted) and their entries (hash). */
  user(escapedUser: string): [sessions: string, entries: string] {
    const tag = `${this.prefix}{${escapedUser}}`;
    return [`${tag}:sessions`, `${tag}:entries`];
  }

  /** Which user a session belongs to, for the calls that know only the session (touch, revoke, rotate). */
  session(sessionId: string): string {
    return `${this.prefix}session:${escapeId(sessionId)}`;
  }

  /** The sweep's index (sorted set of `<session> <user>`, scored by when each is next due) and its lock. */
  get index(): [index: string, lock: string] {
    return [`${this.prefix}{index}:due`, `${this.prefix}{index}:lock`];
  }

  /** The revoked IDs (sorted set scored by the end of the refusal) and their reasons (hash). */
  get revoked(): [ids: string, reasons: string] {
    return [`${this.prefix}{revoked}:ids`, `${this.prefix}{revoked}:reasons`];
  }

  /** The pub/sub channel every instance hears revocations on. */
  get channel(): string {
    return `${this.prefix}revoked`;
  }
}

/** A member of the sweep's index: the session and its user, both free of spaces. */
export const indexMember = (sessionId: string, escapedUser: string): string => `${sessionId} ${escapedUser}`;
