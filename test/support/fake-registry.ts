import type { SupportRegistry, SupportRegistryEntry } from '../../src/support/types.js';

/**
 * An in-memory stand-in with the registry's shape (API.md, `express-logical-session/registry`), for the
 * console's unit tests only: the real registry is wired in where it is built.
 */
export interface FakeRegistry extends SupportRegistry {
  add(entry: Partial<SupportRegistryEntry> & { sessionId: string; userId: string }): SupportRegistryEntry;
  readonly revoked: { sessionId: string; reason: string | undefined }[];
  /** Makes every call reject, like a registry whose Redis is down. */
  failing: boolean;
}

export function fakeRegistry(now = Date.UTC(2026, 0, 1)): FakeRegistry {
  const entries = new Map<string, SupportRegistryEntry>();
  const revoked: FakeRegistry['revoked'] = [];
  const registry: FakeRegistry = {
    revoked,
    failing: false,
    add(entry) {
      const full: SupportRegistryEntry = {
        createdAt: now,
        lastActivityAt: now,
        linkedAt: now,
        device: { browser: 'Firefox', os: 'Linux', type: 'desktop', userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' },
        ipPrefix: '203.0.113.0/24',
        ...entry,
      };
      entries.set(entry.sessionId, full);
      return full;
    },
    get(sessionId) {
      if (registry.failing) return Promise.reject(new Error('registry down'));
      return Promise.resolve(entries.get(sessionId));
    },
    list(userId) {
      if (registry.failing) return Promise.reject(new Error('registry down'));
      const live = [...entries.values()].filter((entry) => entry.userId === userId);
      return Promise.resolve(live.sort((a, b) => b.lastActivityAt - a.lastActivityAt));
    },
    revoke(sessionId, reason) {
      if (registry.failing) return Promise.reject(new Error('registry down'));
      revoked.push({ sessionId, reason });
      return Promise.resolve(entries.delete(sessionId));
    },
  };
  return registry;
}
