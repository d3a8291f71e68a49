import { createHash, randomUUID } from 'node:crypto';

const DOMAIN = 'express-logical-session/v1';

/** RFC 9562 UUIDv8 (name-based, SHA-256) formatting of the first 16 bytes of a digest. */
function uuidFromDigest(digest: Buffer): string {
  const bytes = digest.subarray(0, 16);
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x80, 6); // version 8
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8); // variant 10xx
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function hashToUuid(...parts: readonly string[]): string {
  return uuidFromDigest(createHash('sha256').update(parts.join('\0')).digest());
}

/**
 * The default logical ID: one-way from the cookie session ID and the generation, so every request
 * and every instance that rotates the same session to the same generation agrees without talking
 * to the others. SHA-256 keeps the cookie ID (a credential) unrecoverable from the logical ID.
 */
export function deriveSessionId(cookieSessionId: string, generation: number): string {
  return hashToUuid(DOMAIN, 'id', cookieSessionId, String(generation));
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
