import { hash, randomUUID } from 'node:crypto';

const DOMAIN = 'express-logical-session/v1';

/**
 * RFC 9562 UUIDv8 (name-based, SHA-256): the first 16 bytes of the digest with the version and
 * variant bits set. It works on the hex digest of the one-shot `crypto.hash` because this runs for
 * every new session, and that is the cheapest form Node offers.
 */
function hashToUuid(...parts: readonly string[]): string {
  const hex = hash('sha256', parts.join('\0'));
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16); // 10xx
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The default logical ID: one-way from the cookie session ID and the generation, so every request
 * and every instance that rotates the same session to the same generation agrees without talking
 * to the others. SHA-256 keeps the cookie ID (a credential) unrecoverable from the logical ID.
 */
export function deriveSessionId(cookieSessionId: string, generation: number): string {
  return hashToUuid(DOMAIN, 'id', cookieSessionId, String(generation));
}

/**
 * The highest generation the stored form carries. No real session rotates this often; a larger value
 * means the stored state was tampered with.
 */
export const MAX_GENERATION = 1e12;
const RECOVERED_BASE = 1e11;

/**
 * A generation for a cookie session whose stored state was lost, malformed or out of range: derived
 * one-way from what was seen, and far above any generation the counter reaches, so the derived ID is
 * new (an ID that already ended never comes back) and still the same for every request of a burst.
 */
export function recoveredGeneration(cookieSessionId: string, seen: string): number {
  const hex = hash('sha256', [DOMAIN, 'recovered', cookieSessionId, seen].join('\0'));
  return RECOVERED_BASE + (parseInt(hex.slice(0, 12), 16) % RECOVERED_BASE);
}

/** Deterministic event ID of a lifecycle transition: the same on every instance that sees it. */
export function lifecycleEventId(type: 'session.start' | 'session.end', sessionId: string): string {
  return hashToUuid(DOMAIN, type, sessionId);
}

/**
 * What a logical ID may be: 1-128 visible ASCII characters. IDs go into response headers, log
 * lines, URLs and the compact stored form (space-separated), none of which take control
 * characters, spaces or non-ASCII safely.
 */
export function isUsableId(id: unknown): id is string {
  return typeof id === 'string' && USABLE_ID.test(id);
}
const USABLE_ID = /^[!-~]{1,128}$/;

/** A fresh random ID for request-scoped sessions and plain activity events. */
export const randomId: () => string = randomUUID;
