import type { RegistryEntry } from './types.js';

/** An entry as a backend stores it: the public fields and the times that decide its life. */
export interface StoredEntry extends RegistryEntry {
  /** The session is live until then: its idle or absolute timeout as the registry last heard of it. */
  readonly expiresAt: number;
  /** Kept (never listed once expired) until then, so a user who comes back with the same cookie stays linked. */
  readonly keepUntil: number;
  /** Set once the sweep ended it (reason `expired`): it is not ended again. */
  readonly endedAt?: number;
}

/** What one atomic link step saw and did. */
export interface LinkOutcome {
  /** This session's entry before the link, when it was already linked to the same user. */
  readonly previous: StoredEntry | undefined;
  /** The user's other live sessions before the eviction. */
  readonly others: readonly StoredEntry[];
  /** The sessions evicted to stay within the limit, least recently active first. */
  readonly evicted: readonly string[];
}

/** The times a touch or a rotation gives an entry. */
export interface EntryTimes {
  readonly createdAt: number;
  readonly lastActivityAt: number;
  readonly expiresAt: number;
  readonly keepUntil: number;
}

/** A revoked logical ID: refused with `reason` until `until`. */
export interface Revocation {
  readonly sessionId: string;
  readonly reason: string;
  readonly until: number;
}

/** What a backend tells the registry about revocations made elsewhere. */
export interface RevocationHandlers {
  /** Another instance revoked a session. */
  heard(revocation: Revocation): void;
  /** The feed was interrupted and is back: messages may have been missed, so load them all again (rejects if that failed). */
  reconnected(): Promise<void>;
  /** The feed failed; reported, never thrown. */
  failed(err: unknown): void;
}

/** A session the sweep claimed: this instance, and no other, fires its end. */
export interface ExpiredSession {
  readonly sessionId: string;
  readonly expiresAt: number;
}

/**
 * What a registry needs of its storage. Each method is one atomic step where the contract asks for it (the
 * link with its limit, the claim of an expired session), so two instances never both act on one session.
 */
export interface RegistryBackend {
  /** Prunes the user's dead entries, stores `entry`, and evicts the least recently active others over `limit`. */
  link(entry: StoredEntry, limit: number | undefined, now: number): Promise<LinkOutcome>;
  get(sessionId: string, now: number): Promise<StoredEntry | undefined>;
  /** The user's live entries (dead ones pruned on the way), in any order. */
  list(userId: string, now: number): Promise<StoredEntry[]>;
  /** Refreshes a linked entry (never backwards); resolves the entry as it was, or `undefined` if not linked. */
  touch(
    sessionId: string,
    times: EntryTimes,
    update: Pick<StoredEntry, 'device' | 'ipPrefix'>,
  ): Promise<StoredEntry | undefined>;
  /** Moves an entry to the logical ID that replaced it in the same cookie session; a no-op when there is none. */
  move(previousId: string, sessionId: string, times: EntryTimes): Promise<void>;
  /** Deletes one entry; resolves what it deleted. */
  remove(sessionId: string, now: number): Promise<StoredEntry | undefined>;
  /** Deletes the user's entries but `except`; resolves what it deleted. */
  removeUser(userId: string, except: string | undefined, now: number): Promise<StoredEntry[]>;
  /** Stores revocations and tells every other instance. */
  publish(revocations: readonly Revocation[], now: number): Promise<void>;
  /** Every revocation still in force, to catch up after a start or a reconnect. */
  revocations(now: number): Promise<Revocation[]>;
  /** Starts hearing the revocations other instances publish. */
  listen(handlers: RevocationHandlers): void;
  /**
   * Claims up to `limit` sessions past their expiry (each claimed by one instance only) and deletes up to `limit`
   * entries and revocations past their time; `done` once nothing more is due.
   */
  expire(now: number, limit: number): Promise<{ readonly expired: readonly ExpiredSession[]; readonly done: boolean }>;
  close(): Promise<void>;
}

/** The public view of an entry: what `list` and `get` return. */
export function publicEntry(entry: StoredEntry): RegistryEntry {
  const { sessionId, userId, createdAt, lastActivityAt, linkedAt, device, ipPrefix } = entry;
  return { sessionId, userId, createdAt, lastActivityAt, linkedAt, device, ipPrefix };
}

/** Whether an entry is live: linked, not expired. */
export function isLive(entry: StoredEntry, now: number): boolean {
  return entry.expiresAt > now && entry.endedAt === undefined;
}

/** Most recently active first; ties by the latest link, then by ID, so the order is total. */
export function byRecentActivity(a: RegistryEntry, b: RegistryEntry): number {
  return b.lastActivityAt - a.lastActivityAt || b.linkedAt - a.linkedAt || (a.sessionId < b.sessionId ? -1 : 1);
}

/** The `count` least recently active of `entries`: the eviction victims. */
export function leastRecentlyActive(entries: readonly StoredEntry[], count: number): StoredEntry[] {
  return count <= 0 ? [] : [...entries].sort(byRecentActivity).slice(-count).reverse();
}
