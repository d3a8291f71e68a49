import { optionNames, optionsObject, rejectUnknown } from '../core/validation.js';
import {
  isLive,
  leastRecentlyActive,
  type EntryTimes,
  type ExpiredSession,
  type LinkOutcome,
  type RegistryBackend,
  type StoredEntry,
} from './backend.js';
import { COMMON_OPTION_NAMES, resolveCommonOptions } from './options.js';
import { Registry } from './registry.js';
import type { RegistryOptions, SessionRegistry } from './types.js';

/** The entries in two maps; one process, so every step is atomic by construction. */
class MemoryBackend implements RegistryBackend {
  private readonly entries = new Map<string, StoredEntry>();
  private readonly byUser = new Map<string, Set<string>>();

  private idsOf(userId: string, now: number): Set<string> {
    const ids = this.byUser.get(userId) ?? new Set<string>();
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry === undefined || entry.keepUntil <= now) this.delete(id);
    }
    return ids;
  }

  private delete(sessionId: string): StoredEntry | undefined {
    const entry = this.entries.get(sessionId);
    if (entry === undefined) return undefined;
    this.entries.delete(sessionId);
    const ids = this.byUser.get(entry.userId);
    ids?.delete(sessionId);
    if (ids?.size === 0) this.byUser.delete(entry.userId);
    return entry;
  }

  private put(entry: StoredEntry): void {
    this.entries.set(entry.sessionId, entry);
    const ids = this.byUser.get(entry.userId) ?? new Set<string>();
    this.byUser.set(entry.userId, ids.add(entry.sessionId));
  }

  link(entry: StoredEntry, limit: number | undefined, now: number): Promise<LinkOutcome> {
    const existing = this.entries.get(entry.sessionId);
    if (existing !== undefined && existing.userId !== entry.userId) this.delete(entry.sessionId);
    const previous = existing?.userId === entry.userId && isLive(existing, now) ? existing : undefined;
    const others = [...this.idsOf(entry.userId, now)]
      .filter((id) => id !== entry.sessionId)
      .map((id) => this.entries.get(id))
      .filter((other): other is StoredEntry => other !== undefined && isLive(other, now));
    const victims = limit === undefined ? [] : leastRecentlyActive(others, others.length + 1 - limit);
    for (const victim of victims) this.delete(victim.sessionId);
    this.put(entry);
    return Promise.resolve({ previous, others, evicted: victims.map((victim) => victim.sessionId) });
  }

  get(sessionId: string): Promise<StoredEntry | undefined> {
    return Promise.resolve(this.entries.get(sessionId));
  }

  list(userId: string, now: number): Promise<StoredEntry[]> {
    const ids = this.idsOf(userId, now);
    return Promise.resolve([...ids].flatMap((id) => this.entries.get(id) ?? []));
  }

  touch(
    sessionId: string,
    times: EntryTimes,
    update: Pick<StoredEntry, 'device' | 'ipPrefix'>,
  ): Promise<StoredEntry | undefined> {
    const before = this.entries.get(sessionId);
    if (before !== undefined && times.lastActivityAt > before.lastActivityAt) {
      const { lastActivityAt, expiresAt, keepUntil } = times;
      this.put({ ...before, ...update, lastActivityAt, expiresAt, keepUntil });
    }
    return Promise.resolve(before);
  }

  move(previousId: string, sessionId: string, times: EntryTimes): Promise<void> {
    const entry = this.delete(previousId);
    if (entry !== undefined) {
      const { endedAt: _ended, ...kept } = entry;
      this.put({ ...kept, ...times, sessionId });
    }
    return Promise.resolve();
  }

  remove(sessionId: string): Promise<StoredEntry | undefined> {
    return Promise.resolve(this.delete(sessionId));
  }

  removeUser(userId: string, except: string | undefined, now: number): Promise<StoredEntry[]> {
    const ids = [...this.idsOf(userId, now)].filter((id) => id !== except);
    return Promise.resolve(ids.flatMap((id) => this.delete(id) ?? []));
  }

  // One process: the registry's own memory of revocations is all there is.
  publish(): Promise<void> {
    return Promise.resolve();
  }

  revocations(): Promise<[]> {
    return Promise.resolve([]);
  }

  listen(): void {
    // Nothing to hear: no other instance shares this memory.
  }

  expire(now: number, limit: number): Promise<{ expired: ExpiredSession[]; done: boolean }> {
    const expired: ExpiredSession[] = [];
    let done = true;
    for (const entry of this.entries.values()) {
      const due = entry.endedAt === undefined && entry.expiresAt <= now;
      if (due && expired.length === limit) {
        done = false;
        break;
      }
      if (due) expired.push({ sessionId: entry.sessionId, expiresAt: entry.expiresAt });
      if (entry.keepUntil <= now) this.delete(entry.sessionId);
      else if (due) this.put({ ...entry, endedAt: now });
    }
    return Promise.resolve({ expired, done });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const CALLER = 'memoryRegistry()';
const OPTION_NAMES = optionNames(Object.fromEntries(COMMON_OPTION_NAMES.map((name) => [name, true])));

/**
 * A registry in this process's memory: for tests and single-process apps. Its sessions are lost on restart and
 * not shared with other processes; use `sqliteRegistry()` (one machine) or `redisRegistry()` (a fleet) then.
 *
 * @example
 * ```ts
 * const registry = memoryRegistry({ maxSessionsPerUser: 3 });
 * app.use(session({ secret, resave: false, saveUninitialized: false }));
 * app.use(logicalSession({ registry }));
 * ```
 */
export function memoryRegistry(options?: RegistryOptions): SessionRegistry {
  const given = optionsObject(CALLER, options, 'memoryRegistry({ maxSessionsPerUser: 3 })');
  rejectUnknown(CALLER, 'option', given, OPTION_NAMES);
  return new Registry('memory-registry', resolveCommonOptions(CALLER, given), new MemoryBackend());
}
