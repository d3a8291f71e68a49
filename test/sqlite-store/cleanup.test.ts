/** Expired rows are deleted in batches, by a timer that never keeps the process alive. */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClock } from '../helpers/app.js';
import { runScript } from '../helpers/run-script.js';
import { ok, sessionData, sqliteFixture } from './harness.js';

const MINUTE = 60_000;

/** `count` sessions written straight into the table, in one transaction, all expiring at `expiresAt`. */
function fill(db: import('better-sqlite3').Database, count: number, expiresAt: number): void {
  const insert = db.prepare('INSERT INTO sessions (sid_hash, sess, expires_at) VALUES (randomblob(32), ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < count; i++) insert.run('{"cookie":{}}', expiresAt);
  })();
}

describe('SqliteSessionStore cleanup', () => {
  const fixture = sqliteFixture();
  afterEach(() => {
    vi.useRealTimers();
  });

  it('prune() deletes every expired row, in batches, and no live one', async () => {
    const clock = createClock(Date.now());
    const file = fixture.file();
    const store = fixture.store({ path: file, now: clock.now, cleanupInterval: false });
    const db = fixture.database(file);
    fill(db, 2_500, clock.now() + MINUTE);
    await ok((done) => store.set('live', sessionData({}, 10 * MINUTE), done));
    clock.advance(MINUTE);
    const started = performance.now();
    expect(await store.prune()).toBe(2_500);
    console.info(
      `[sqlite-store] pruned 2,500 expired rows in ${(performance.now() - started).toFixed(1)} ms (3 batches)`,
    );
    expect(db.prepare('SELECT COUNT(*) FROM sessions').pluck().get()).toBe(1);
    expect(await ok((done) => store.get('live', done))).not.toBeNull();
    expect(await store.prune()).toBe(0);
  });

  it('prunes every cleanupInterval on its own', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const clock = createClock(Date.now());
    const file = fixture.file();
    fixture.store({ path: file, now: clock.now, cleanupInterval: '15m' });
    const db = fixture.database(file);
    fill(db, 10, clock.now() + MINUTE);
    clock.advance(MINUTE);
    vi.advanceTimersByTime(15 * MINUTE);
    await vi.waitFor(() => expect(db.prepare('SELECT COUNT(*) FROM sessions').pluck().get()).toBe(0));
  });

  it('does not keep the process alive with its cleanup timer', () => {
    const entry = fileURLToPath(new URL('../../src/sqlite-store/index.ts', import.meta.url));
    const child = runScript(
      fixture.dir,
      'open-store',
      `import { SqliteSessionStore } from ${JSON.stringify(entry)};
      new SqliteSessionStore({ path: ${JSON.stringify(fixture.file('open.db'))}, cleanupInterval: '1m' });
      console.log('opened');`,
    );
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('opened');
    expect(child.status).toBe(0);
  });
});
