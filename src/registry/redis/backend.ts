import { randomUUID } from 'node:crypto';
import {
  isLive,
  type EntryTimes,
  type ExpiredSession,
  type LinkOutcome,
  type RegistryBackend,
  type Revocation,
  type RevocationHandlers,
  type StoredEntry,
} from '../backend.js';
import type { RegistryRedisClient } from '../types.js';
import { RevocationFeed } from './feed.js';
import { escapeId, indexMember, KeyLayout } from './keys.js';
import { ScriptRunner } from './script-runner.js';
import * as scripts from './scripts.js';

const parse = (raw: string): StoredEntry => JSON.parse(raw) as StoredEntry;
/** How long the sweep's lock outlives an instance that died holding it. */
const LOCK_MS = 30_000;
/** How long a pointer and an index entry outlive the entry's keep time, in Redis' own clock. */
const ttlFrom = (until: number, now: number): string => String(Math.max(1, Math.ceil(until - now)));

/**
 * The registry on Redis (node-redis 5, a single server or a cluster): every step one script on one hash slot.
 * A user's entries live in a hash and a sorted set tagged with the escaped user ID; a pointer per session names
 * its user for the calls that know only the session; the sweep's index and the revocations have slots of their
 * own. Every key has a TTL, and the user's dead entries are pruned on every link and list.
 */
export class RedisBackend implements RegistryBackend {
  private readonly keys: KeyLayout;
  private readonly run: ScriptRunner;
  private readonly lockToken = randomUUID();
  private feed: RevocationFeed | undefined;

  constructor(
    private readonly client: RegistryRedisClient,
    prefix: string,
  ) {
    this.keys = new KeyLayout(prefix);
    this.run = new ScriptRunner(client);
  }

  private async userOf(sessionId: string): Promise<string | undefined> {
    const user = await this.run.call(scripts.POINTER, [this.keys.session(sessionId)], ['', '']);
    return typeof user === 'string' ? user : undefined;
  }

  private async index(remove: readonly string[], add: readonly (readonly [number, string])[]): Promise<void> {
    if (remove.length === 0 && add.length === 0) return;
    const pairs = add.flatMap(([score, member]) => [String(score), member]);
    await this.run.call(scripts.INDEX, [this.keys.index[0]], [...remove, '|', ...pairs]);
  }

  private async pointTo(sessionId: string, user: string, keepUntil: number, now: number): Promise<void> {
    await this.run.call(scripts.POINTER, [this.keys.session(sessionId)], [user, ttlFrom(keepUntil, now)]);
  }

  private async forget(entries: readonly StoredEntry[], user: string): Promise<void> {
    await Promise.all([
      ...entries.map((entry) => this.run.call(scripts.POINTER, [this.keys.session(entry.sessionId)], ['', '-'])),
      this.index(
        entries.map((entry) => indexMember(entry.sessionId, user)),
        [],
      ),
    ]);
  }

  async link(entry: StoredEntry, limit: number | undefined, now: number): Promise<LinkOutcome> {
    const user = escapeId(entry.userId);
    const linkedTo = await this.userOf(entry.sessionId);
    // Linked to another user before (a different account in the same browser): that link ends here.
    if (linkedTo !== undefined && linkedTo !== user) await this.removeFrom(linkedTo, [entry.sessionId], now);
    const reply = (await this.run.call(scripts.LINK, this.keys.user(user), [
      entry.sessionId,
      JSON.stringify(entry),
      String(now),
      String(limit ?? 0),
      String(entry.keepUntil),
      ttlFrom(entry.keepUntil, now),
    ])) as [string | null, string[], string[]];
    const [previousRaw, otherRaws, evicted] = reply;
    await Promise.all([
      this.pointTo(entry.sessionId, user, entry.keepUntil, now),
      this.index(
        evicted.map((id) => indexMember(id, user)),
        [[entry.expiresAt, indexMember(entry.sessionId, user)]],
      ),
      ...evicted.map((id) => this.run.call(scripts.POINTER, [this.keys.session(id)], ['', '-'])),
    ]);
    const previous = previousRaw === null || linkedTo !== user ? undefined : parse(previousRaw);
    return {
      previous: previous && isLive(previous, now) ? previous : undefined,
      others: otherRaws.map(parse),
      evicted,
    };
  }

  async get(sessionId: string): Promise<StoredEntry | undefined> {
    const user = await this.userOf(sessionId);
    if (user === undefined) return undefined;
    const raw = await this.run.call(scripts.GET, [this.keys.user(user)[1]], [sessionId]);
    return typeof raw === 'string' ? parse(raw) : undefined;
  }

  async list(userId: string, now: number): Promise<StoredEntry[]> {
    const raws = (await this.run.call(scripts.LIST, this.keys.user(escapeId(userId)), [String(now)])) as (
      string | null
    )[];
    return raws.flatMap((raw) => (raw === null ? [] : [parse(raw)]));
  }

  async touch(
    sessionId: string,
    times: EntryTimes,
    update: Pick<StoredEntry, 'device' | 'ipPrefix'>,
  ): Promise<StoredEntry | undefined> {
    const user = await this.userOf(sessionId);
    if (user === undefined) return undefined;
    const now = times.lastActivityAt;
    const raw = await this.run.call(scripts.TOUCH, this.keys.user(user), [
      sessionId,
      String(times.lastActivityAt),
      String(times.expiresAt),
      String(times.keepUntil),
      ttlFrom(times.keepUntil, now),
      JSON.stringify(update.device),
      update.ipPrefix ?? '',
    ]);
    if (typeof raw !== 'string') return undefined;
    await Promise.all([
      this.pointTo(sessionId, user, times.keepUntil, now),
      this.index([], [[times.expiresAt, indexMember(sessionId, user)]]),
    ]);
    return parse(raw);
  }

  async move(previousId: string, sessionId: string, times: EntryTimes): Promise<void> {
    const user = await this.userOf(previousId);
    if (user === undefined) return;
    const now = times.lastActivityAt;
    const moved = await this.run.call(scripts.MOVE, this.keys.user(user), [
      previousId,
      sessionId,
      String(times.createdAt),
      String(times.lastActivityAt),
      String(times.expiresAt),
      String(times.keepUntil),
      ttlFrom(times.keepUntil, now),
    ]);
    if (moved === null) return;
    await Promise.all([
      this.pointTo(sessionId, user, times.keepUntil, now),
      this.run.call(scripts.POINTER, [this.keys.session(previousId)], ['', '-']),
      this.index([indexMember(previousId, user)], [[times.expiresAt, indexMember(sessionId, user)]]),
    ]);
  }

  private async removeFrom(user: string, ids: readonly string[], now: number): Promise<StoredEntry[]> {
    const raws = (await this.run.call(scripts.REMOVE, this.keys.user(user), [String(now), ...ids])) as string[];
    const removed = raws.map(parse);
    await this.forget(removed, user);
    return removed;
  }

  async remove(sessionId: string, now: number): Promise<StoredEntry | undefined> {
    const user = await this.userOf(sessionId);
    if (user === undefined) return undefined;
    return (await this.removeFrom(user, [sessionId], now))[0];
  }

  async removeUser(userId: string, except: string | undefined, now: number): Promise<StoredEntry[]> {
    // One script, so a session linked meanwhile is removed too (or not seen at all), never half.
    return this.removeFrom(escapeId(userId), ['*', except ?? ''], now);
  }

  async publish(revocations: readonly Revocation[], now: number): Promise<void> {
    if (revocations.length === 0) return;
    const ttl = Math.max(...revocations.map((revocation) => revocation.until)) - now;
    const triples = revocations.flatMap(({ sessionId, reason, until }) => [sessionId, reason, String(until)]);
    await this.run.call(scripts.REVOKE, this.keys.revoked, [
      this.keys.channel,
      String(Math.max(ttl, 60_000)),
      ...triples,
    ]);
  }

  async revocations(now: number): Promise<Revocation[]> {
    const flat = (await this.run.call(scripts.REVOCATIONS, this.keys.revoked, [String(now), '1000'])) as string[];
    const revocations: Revocation[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const [sessionId, until, reason] = flat.slice(i, i + 3);
      if (sessionId !== undefined && reason !== undefined)
        revocations.push({ sessionId, until: Number(until), reason });
    }
    return revocations;
  }

  listen(handlers: RevocationHandlers): void {
    this.feed = new RevocationFeed(this.client, this.keys.channel, handlers);
  }

  async expire(now: number, limit: number): Promise<{ expired: ExpiredSession[]; done: boolean }> {
    const [index, lock] = this.keys.index;
    const claimed = (await this.run.call(
      scripts.CLAIM,
      [index, lock],
      [String(now), String(limit), this.lockToken, String(LOCK_MS)],
    )) as string[] | null;
    if (claimed === null) return { expired: [], done: true };
    const expired: ExpiredSession[] = [];
    const again: [number, string][] = [];
    await Promise.all(
      claimed.map(async (member) => {
        const [sessionId = '', user = ''] = member.split(' ');
        const [state, time, keepUntil] = (await this.run.call(scripts.EXPIRE, this.keys.user(user), [
          sessionId,
          String(now),
        ])) as [string, number, number?];
        if (state === 'ended' || state === 'ended-deleted') expired.push({ sessionId, expiresAt: time });
        if (state === 'ended' && keepUntil !== undefined) again.push([keepUntil, member]);
        if (state === 'live' || state === 'kept') again.push([time, member]);
        if (state === 'ended-deleted' || state === 'gone')
          await this.run.call(scripts.POINTER, [this.keys.session(sessionId)], ['', '-']);
      }),
    );
    await this.index([], again);
    const forgotten = (await this.run.call(scripts.REVOCATIONS, this.keys.revoked, [
      String(now),
      String(limit),
      'purge',
    ])) as number;
    const done = claimed.length < limit && forgotten < limit;
    if (done) await this.run.call(scripts.UNLOCK, [lock], [this.lockToken]);
    return { expired, done };
  }

  async close(): Promise<void> {
    await this.feed?.close();
  }
}
