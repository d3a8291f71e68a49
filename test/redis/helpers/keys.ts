/** Per-test key prefixes on a shared Redis, and their cleanup. */
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import type { StoredFields } from '../../../src/core/stored-form.js';

export type AdminClient = ReturnType<typeof createClient>;

/** A prefix no other test (or parallel test file) will use: `els-test:<label>:<random>:`. */
export function testPrefix(label: string): string {
  return `els-test:${label}:${randomUUID().slice(0, 8)}:`;
}

/** A plain client for the test's own reads (not the app's); reconnects on its own; the caller must `destroy()` it. */
export async function connectAdmin(url: string): Promise<AdminClient> {
  // Rides out the restarts of the fault tests, but gives up (and fails the test clearly) when
  // Redis stays unreachable for about 5 s, e.g. a wrong REDIS_URL.
  const client = createClient({
    url,
    socket: {
      connectTimeout: 2_000,
      reconnectStrategy: (retries, cause) =>
        retries >= 100 ? new Error(`Redis at ${url} is unreachable: ${cause.message}`) : 50,
    },
  });
  client.on('error', () => {
    // Reported through the rejected command; a listener must exist or Node throws.
  });
  await client.connect();
  return client;
}

/** Every key under `prefix`. */
export async function keysUnder(client: AdminClient, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    found.push(...batch);
  }
  return found;
}

/** Deletes every key under `prefix`; returns how many there were. */
export async function deleteKeysUnder(client: AdminClient, prefix: string): Promise<number> {
  const keys = await keysUnder(client, prefix);
  if (keys.length > 0) await client.unlink(keys);
  return keys.length;
}

/** The session records under `prefix`, parsed, keyed by Redis key. */
export async function sessionsUnder(client: AdminClient, prefix: string): Promise<Map<string, StoredSession>> {
  const keys = await keysUnder(client, prefix);
  const result = new Map<string, StoredSession>();
  if (keys.length === 0) return result;
  const values = await client.mGet(keys);
  keys.forEach((key, i) => {
    const raw = values[i];
    if (typeof raw === 'string') result.set(key, JSON.parse(raw) as StoredSession);
  });
  return result;
}

/** The parts of a stored express-session record these tests look at. */
export interface StoredSession {
  cookie?: unknown;
  /** The library's logical state in its stored (compact string) form. */
  els?: unknown;
  /** `els` decoded by the library's own reader; `undefined` when it is missing or malformed. */
  logical?: StoredFields | undefined;
  [key: string]: unknown;
}
