/**
 * Faults of the file and of the data: each answers through the callback with a clear error (through the app:
 * the library's 503 with a session ID), nothing crashes, and the store works again once the fault is gone.
 */
import { createHmac } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { sessionErrorHandler } from '../../src/index.js';
import { SqliteSessionStore } from '../../src/sqlite-store/index.js';
import { buildApp, createClock, idRoutes, SECRET } from '../helpers/app.js';
import { captureLogger } from '../helpers/log-capture.js';
import { readOnlySwitch } from '../helpers/read-only.js';
import { keyOf, ok, sessionData, settle, sqliteFixture } from './harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The app of these tests: the store, the shared routes and sessionErrorHandler with a logger to read. */
function faultApp(store: SqliteSessionStore) {
  const { logger, records } = captureLogger('error');
  const { app } = buildApp({ store, routes: idRoutes, after: [sessionErrorHandler({ logger })] });
  const logged = () => records().map((record) => record.err as { code?: string; message: string });
  return { app, logged };
}

function expect503(res: request.Response): void {
  expect(res.status).toBe(503);
  expect(res.body).toMatchObject({ error: 'Service Unavailable', sessionId: expect.stringMatching(UUID) });
}

/** A connection in WAL mode, as the store would open it, for the faults that need the test's hands on it. */
function walDatabase(file: string): Database.Database {
  const db = new Database(file, { timeout: 1000 });
  db.pragma('journal_mode = WAL');
  return db;
}

describe('SqliteSessionStore faults', () => {
  const fixture = sqliteFixture();

  it('read-only file and directory: writes fail clearly, a newcomer gets 503, reads go on; writable again, it works', async () => {
    const file = fixture.file();
    const db = walDatabase(file);
    const store = new SqliteSessionStore({ db });
    const { app } = faultApp(store);
    const agent = request.agent(app);
    const id = (await agent.get('/id').expect(200)).body.id as string;
    const readOnly = readOnlySwitch(db, file, fixture.dir);
    console.info(`[sqlite-store faults] write access removed with ${readOnly.method}`);
    readOnly.apply();
    try {
      const { err, calls } = await settle((done) => store.set('sid', sessionData(), done));
      expect(calls).toBe(1);
      expect(err).toMatchObject({ code: 'ERR_ELS_STORE_UNAVAILABLE', status: 503 });
      expect((err as Error).message).toMatch(/^SqliteSessionStore\.set: the database failed \(SQLITE_(IOERR|READONLY)/);
      expect503(await request(app).get('/id'));
      expect((await agent.get('/id').expect(200)).body.id).toBe(id);
    } finally {
      readOnly.revert();
    }
    expect((await request(app).get('/id').expect(200)).body.id).toMatch(UUID);
    await ok((done) => store.set('sid', sessionData(), done));
  });

  it('a file deleted while open is reported once, and the store goes on in a new file at the same path', async () => {
    const clock = createClock(Date.now());
    const file = fixture.file();
    const store = fixture.store({ path: file, now: clock.now });
    const { app, logged } = faultApp(store);
    const agent = request.agent(app);
    const id = (await agent.get('/id').expect(200)).body.id as string;
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    clock.advance(1_000); // the file is checked at most once a second
    expect503(await agent.get('/id'));
    expect(logged().at(-1)).toMatchObject({ code: 'ERR_ELS_STORE_UNAVAILABLE' });
    expect(logged().at(-1)?.message).toContain(`the database file ${file} was deleted or replaced while open`);
    const after = await agent.get('/id').expect(200);
    expect(after.body.id).not.toBe(id); // that session was in the deleted file
    expect(existsSync(file)).toBe(true);
    expect((await agent.get('/id').expect(200)).body.id).toBe(after.body.id);
  });

  it('a corrupted row (sess not JSON) fails that session only, with the row named; repaired, the session is back', async () => {
    const file = fixture.file();
    const store = fixture.store({ path: file });
    const db = fixture.database(file);
    const { app } = faultApp(store);
    const agent = request.agent(app);
    await agent.post('/cart?item=lamp').expect(200);
    const id = (await agent.get('/id')).body.id as string;
    const stored = db.prepare('SELECT sid_hash, sess FROM sessions').get() as { sid_hash: Buffer; sess: string };
    for (const damaged of ['{"cookie":', '42', 'null']) {
      db.prepare('UPDATE sessions SET sess = ?').run(damaged);
      expect503(await agent.get('/id'));
      const { err } = await settle((done) => store.all(done));
      expect(err).toMatchObject({ code: 'ERR_ELS_INVALID_SESSION_RECORD', status: 503 });
      expect((err as Error).message).toContain(`the stored session with sid_hash ${stored.sid_hash.toString('hex')}`);
    }
    expect((await request(app).get('/id').expect(200)).body.id).toMatch(UUID); // other sessions are fine
    db.prepare('UPDATE sessions SET sess = ? WHERE sid_hash = ?').run(stored.sess, stored.sid_hash);
    expect((await agent.get('/id').expect(200)).body.id).toBe(id);
    expect((await agent.get('/cart')).body.cart).toBe('lamp');
  });

  it('refuses session data JSON cannot hold, through the callback', async () => {
    const store = fixture.store();
    const cyclic: Record<string, unknown> = { cookie: {} };
    cyclic.self = cyclic;
    for (const data of [{ cookie: {}, big: 1n }, cyclic, undefined]) {
      const { err } = await settle((done) => store.set('sid', data as never, done));
      expect(err).toMatchObject({ code: 'ERR_ELS_INVALID_SESSION_RECORD' });
    }
    expect(await ok((done) => store.length(done))).toBe(0);
  });

  it('a full disk (max_page_count) fails writes with SQLITE_FULL and a newcomer gets 503; with space again, it works', async () => {
    const file = fixture.file();
    const db = walDatabase(file);
    const store = new SqliteSessionStore({ db });
    const { app } = faultApp(store);
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    let full: unknown = null;
    // Big rows until the pages run out, then small ones into what is left, so no newcomer fits either.
    for (const pad of [500, 0]) {
      full = null;
      for (let i = 0; i < 1000 && full === null; i++) {
        full = (await settle((done) => store.set(`${pad}-${i}`, sessionData({ pad: 'x'.repeat(pad) }), done))).err;
      }
    }
    expect(full).toMatchObject({ code: 'ERR_ELS_STORE_UNAVAILABLE', cause: { code: 'SQLITE_FULL' } });
    expect((full as Error).message).toContain('The disk (or the max_page_count of the database) is full');
    expect503(await request(app).get('/id'));
    db.pragma('max_page_count = 1073741823');
    expect((await request(app).get('/id').expect(200)).body.id).toMatch(UUID);
    db.close();
  });

  it('a 10 KB session ID is refused through the callback without being echoed; the app answers 503', async () => {
    const store = fixture.store();
    const { app, logged } = faultApp(store);
    const sid = 'k'.repeat(10_240);
    for (const run of [
      (done: (err: unknown) => void) => store.get(sid, done),
      (done: (err: unknown) => void) => store.set(sid, sessionData(), done),
      (done: (err: unknown) => void) => store.touch(sid, sessionData(), done),
      (done: (err: unknown) => void) => store.destroy(sid, done),
    ]) {
      const { err, calls } = await settle(run);
      expect(calls).toBe(1);
      expect(err).toMatchObject({ code: 'ERR_ELS_INVALID_SESSION_RECORD', status: 503 });
      expect((err as Error).message).toContain('the session ID has 10240 characters; at most 1024 are accepted');
      expect((err as Error).message).not.toContain('kkkk');
    }
    const signature = createHmac('sha256', SECRET).update(sid).digest('base64').replace(/=+$/, '');
    expect503(
      await request(app)
        .get('/id')
        .set('Cookie', `connect.sid=${encodeURIComponent(`s:${sid}.${signature}`)}`),
    );
    expect(JSON.stringify(logged())).not.toContain('kkkk');
    const empty = await settle((done) => store.get('', done));
    expect((empty.err as Error).message).toBe(
      'SqliteSessionStore.get: the session ID must be a non-empty string (express-session passes req.sessionID).',
    );
    expect((await request(app).get('/id').expect(200)).body.id).toMatch(UUID);
  });

  it('a write lock held past the busy timeout by another connection fails with SQLITE_BUSY; released, it works', async () => {
    const file = fixture.file();
    const store = fixture.store({ path: file });
    const other = fixture.database(file);
    other.exec('BEGIN IMMEDIATE');
    const { err } = await settle((done) => store.set('sid', sessionData(), done));
    expect(err).toMatchObject({ code: 'ERR_ELS_STORE_UNAVAILABLE', cause: { code: 'SQLITE_BUSY' } });
    expect((err as Error).message).toContain('held a write lock for longer than the busy timeout');
    expect(await ok((done) => store.get('sid', done))).toBeNull(); // WAL: reads do not wait for the writer
    other.exec('ROLLBACK');
    await ok((done) => store.set('sid', sessionData(), done));
    expect(other.prepare('SELECT COUNT(*) FROM sessions WHERE sid_hash = ?').pluck().get(keyOf('sid'))).toBe(1);
  });

  it('a database the app closed under the store: better-sqlite3 throws, the store answers through the callback', async () => {
    const db = new Database(':memory:');
    const store = new SqliteSessionStore({ db });
    db.close();
    const { err, calls } = await settle((done) => store.get('sid', done));
    expect(calls).toBe(1);
    expect(err).toMatchObject({ code: 'ERR_ELS_STORE_UNAVAILABLE', cause: expect.any(TypeError) });
    expect((err as Error).message).toContain('The database connection is not open');
  });
});
