/**
 * The derived IDs must never change between releases: instances of two versions behind one load
 * balancer (a rolling deploy) have to compute the same ID for the same cookie and generation.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveSessionId, isUsableId, lifecycleEventId } from '../src/core/ids.js';

/** The derivation written out the slow, obvious way: SHA-256, first 16 bytes, RFC 9562 bits. */
function reference(...parts: string[]): string {
  const bytes = createHash('sha256').update(parts.join('\0')).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('derived IDs', () => {
  it('are pinned: the same cookie ID and generation give the same ID in every release', () => {
    expect(deriveSessionId('k2dVw8ZKr9bYl0Q3nM5tXe7uJpHs1cAf', 0)).toBe(
      reference('express-logical-session/v1', 'id', 'k2dVw8ZKr9bYl0Q3nM5tXe7uJpHs1cAf', '0'),
    );
    expect(deriveSessionId('k2dVw8ZKr9bYl0Q3nM5tXe7uJpHs1cAf', 0)).toBe('cd15c4bd-a112-884b-8d17-6e5b0d449b70');
    expect(lifecycleEventId('session.start', 'cd15c4bd-a112-884b-8d17-6e5b0d449b70')).toBe(
      reference('express-logical-session/v1', 'session.start', 'cd15c4bd-a112-884b-8d17-6e5b0d449b70'),
    );
  });

  it('match the reference derivation and are RFC 9562 version 8 for 2,000 random inputs', () => {
    for (let i = 0; i < 1000; i += 1) {
      const sid = randomBytes(24).toString('base64url');
      const id = deriveSessionId(sid, i);
      expect(id).toBe(reference('express-logical-session/v1', 'id', sid, String(i)));
      expect(id).toMatch(UUID_V8);
      const eventId = lifecycleEventId(i % 2 ? 'session.end' : 'session.start', id);
      expect(eventId).toBe(reference('express-logical-session/v1', i % 2 ? 'session.end' : 'session.start', id));
      expect(eventId).toMatch(UUID_V8);
    }
  });
});

describe('usable IDs', () => {
  it.each(['a', 'x'.repeat(128), 'tenant-7:user.42/1', '0193b3c1-6e0f-8a4b-9c2d-3e4f5a6b7c8d', '!~'])(
    'accepts %j',
    (id) => {
      expect(isUsableId(id)).toBe(true);
    },
  );
  it.each(['', 'x'.repeat(129), 'a b', 'a\tb', 'a\nb', 'é', '\u007f', 42, null, undefined])('refuses %j', (id) => {
    expect(isUsableId(id)).toBe(false);
  });
});
