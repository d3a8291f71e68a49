import type { SqliteSessionDatabase, SqliteSessionStatement } from '../../sqlite-store/types.js';
import {
  isLive,
  leastRecentlyActive,
  type EntryTimes,
  type ExpiredSession,
  type LinkOutcome,
  type RegistryBackend,
  type Revocation,
  type RevocationHandlers,
  type StoredEntry,
} from '../backend.js';
import { registrySchema, registryStatements } from './schema.js';

type Statements = { readonly [Name in keyof ReturnType<typeof registryStatements>]: SqliteSessionStatement };

interface RevocationRow extends Revocation {
  readonly id: number;
}

const parse = (row: unknown): StoredEntry => JSON.parse((row as { entry: string }).entry) as StoredEntry;

/**
 * The registry in SQLite. Every step that reads and then writes runs in one `BEGIN IMMEDIATE` transaction,
 * which takes the file's write lock first: two processes never both pass the limit or claim one expired session.
 */
export class SqliteBackend implements RegistryBackend {
  private readonly statements: Statements;
  private lastRevocation = 0;
  private poll: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: SqliteSessionDatabase,
    table: string,
    private readonly pollInterval: number,
    private readonly closeDb: boolean,
  ) {
    db.exec(registrySchema(table));
    const sql = registryStatements(table);
    this.statements = Object.fromEntries(
      Object.entries(sql).map(([name, source]) => [name, db.prepare(source)]),
    ) as Statements;
  }

  private transaction<T>(work: () => T): Promise<T> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return Promise.resolve(result);
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  private read(sessionId: string): StoredEntry | undefined {
    const row = this.statements.get.get(sessionId);
    return row === undefined ? undefined : parse(row);
  }

  private put(entry: StoredEntry): void {
    const { sessionId, userId, expiresAt, keepUntil, endedAt } = entry;
    this.statements.put.run(sessionId, userId, JSON.stringify(entry), expiresAt, keepUntil, endedAt ?? null);
  }

  private entriesOf(userId: string, now: number): StoredEntry[] {
    this.statements.prune.run(userId, now);
    return this.statements.ofUser.all(userId).map(parse);
  }

  link(entry: StoredEntry, limit: number | undefined, now: number): Promise<LinkOutcome> {
    return this.transaction(() => {
      const existing = this.read(entry.sessionId);
      const previous = existing?.userId === entry.userId && isLive(existing, now) ? existing : undefined;
      const others = this.entriesOf(entry.userId, now).filter(
        (other) => other.sessionId !== entry.sessionId && isLive(other, now),
      );
      const victims = limit === undefined ? [] : leastRecentlyActive(others, others.length + 1 - limit);
      for (const victim of victims) this.statements.delete.run(victim.sessionId);
      this.put(entry);
      return { previous, others, evicted: victims.map((victim) => victim.sessionId) };
    });
  }

  get(sessionId: string): Promise<StoredEntry | undefined> {
    return Promise.resolve(this.read(sessionId));
  }

  list(userId: string, now: number): Promise<StoredEntry[]> {
    return Promise.resolve(this.entriesOf(userId, now));
  }

  touch(
    sessionId: string,
    times: EntryTimes,
    update: Pick<StoredEntry, 'device' | 'ipPrefix'>,
  ): Promise<StoredEntry | undefined> {
    return this.transaction(() => {
      const before = this.read(sessionId);
      if (before !== undefined && times.lastActivityAt > before.lastActivityAt) {
        const { lastActivityAt, expiresAt, keepUntil } = times;
        this.put({ ...before, ...update, lastActivityAt, expiresAt, keepUntil });
      }
      return before;
    });
  }

  move(previousId: string, sessionId: string, times: EntryTimes): Promise<void> {
    return this.transaction(() => {
      const entry = this.read(previousId);
      if (entry === undefined) return;
      this.statements.delete.run(previousId);
      const { endedAt: _ended, ...kept } = entry;
      this.put({ ...kept, ...times, sessionId });
    });
  }

  remove(sessionId: string): Promise<StoredEntry | undefined> {
    return this.transaction(() => {
      const entry = this.read(sessionId);
      if (entry !== undefined) this.statements.delete.run(sessionId);
      return entry;
    });
  }

  removeUser(userId: string, except: string | undefined, now: number): Promise<StoredEntry[]> {
    return this.transaction(() => {
      const removed = this.entriesOf(userId, now).filter((entry) => entry.sessionId !== except);
      for (const entry of removed) this.statements.delete.run(entry.sessionId);
      return removed;
    });
  }

  publish(revocations: readonly Revocation[]): Promise<void> {
    return this.transaction(() => {
      for (const { sessionId, reason, until } of revocations) this.statements.revoke.run(sessionId, reason, until);
    });
  }

  revocations(now: number): Promise<Revocation[]> {
    const rows = this.statements.inForce.all(now) as RevocationRow[];
    this.lastRevocation = Math.max(this.lastRevocation, rows.at(-1)?.id ?? 0);
    return Promise.resolve(rows.map(({ sessionId, reason, until }) => ({ sessionId, reason, until })));
  }

  /** Polls the revocations table from a timer (one indexed read, never per request) that never keeps the process alive. */
  listen(handlers: RevocationHandlers): void {
    this.poll = setInterval(() => {
      try {
        for (const row of this.statements.since.all(this.lastRevocation) as RevocationRow[]) {
          this.lastRevocation = row.id;
          handlers.heard({ sessionId: row.sessionId, reason: row.reason, until: row.until });
        }
      } catch (err) {
        handlers.failed(err);
      }
    }, this.pollInterval);
    this.poll.unref();
  }

  expire(now: number, limit: number): Promise<{ expired: ExpiredSession[]; done: boolean }> {
    return this.transaction(() => {
      const due = this.statements.due.all(now, limit).map(parse);
      for (const entry of due) {
        if (entry.keepUntil <= now) this.statements.delete.run(entry.sessionId);
        else this.put({ ...entry, endedAt: now });
      }
      const purged = this.statements.purge.run(now, limit).changes;
      const forgotten = this.statements.purgeRevoked.run(now, limit).changes;
      const expired = due.map(({ sessionId, expiresAt }) => ({ sessionId, expiresAt }));
      return { expired, done: due.length < limit && purged < limit && forgotten < limit };
    });
  }

  close(): Promise<void> {
    clearInterval(this.poll);
    if (this.closeDb) this.db.close();
    return Promise.resolve();
  }
}
