/** SqliteSessionStore as express-session's Store, on a real SQLite file. */
import session, { type SessionData } from 'express-session';
import { describe, expect, it, vi } from 'vitest';
import { SqliteSessionStore } from '../../src/sqlite-store/index.js';
import request from 'supertest';
import { endSession, getSessionId, restartSession, rotateSessionCookie } from '../../src/index.js';
import { buildApp, createClock } from '../helpers/app.js';
import { keyOf, ok, sessionData, settle, sqliteFixture } from './harness.js';

const MINUTE = 60_000;

describe('SqliteSessionStore', () => {
  const fixture = sqliteFixture();

  it('implements every Store method on a real file in WAL mode: set, get, touch, length, all, destroy, clear', async () => {
    const file = fixture.file();
    const store = fixture.store({ path: file });
    expect(store).toBeInstanceOf(session.Store);
    expect(fixture.database(file).pragma('journal_mode', { simple: true })).toBe('wal');
    await ok((done) => store.set('alice', sessionData({ user: 'alice' }), done));
    await ok((done) => store.set('bob', sessionData({ user: 'bob' }), done));
    expect(await ok<SessionData | null>((done) => store.get('alice', done))).toMatchObject({ user: 'alice' });
    expect(await ok((done) => store.get('nobody', done))).toBeNull();
    await ok((done) => store.touch('alice', sessionData({ user: 'ignored by touch' }), done));
    expect(await ok((done) => store.length(done))).toBe(2);
    const all = await ok<Record<string, SessionData> | null>((done) => store.all(done));
    expect(Object.values(all ?? {}).map((data) => (data as { user?: string }).user)).toEqual(
      expect.arrayContaining(['alice', 'bob']),
    );
    await ok((done) => store.destroy('alice', done));
    expect(await ok((done) => store.get('alice', done))).toBeNull();
    await ok((done) => store.clear(done));
    expect(await ok((done) => store.length(done))).toBe(0);
  });

  it('answers each call through its callback exactly once, and never before the call returned', async () => {
    const store = fixture.store();
    const calls = [
      (done: (err: unknown) => void) => store.set('sid', sessionData(), done),
      (done: (err: unknown) => void) => store.get('sid', done),
      (done: (err: unknown) => void) => store.touch('sid', sessionData(), done),
      (done: (err: unknown) => void) => store.length(done),
      (done: (err: unknown) => void) => store.all(done),
      (done: (err: unknown) => void) => store.destroy('sid', done),
      (done: (err: unknown) => void) => store.clear(done),
      (done: (err: unknown) => void) => store.get('x'.repeat(5000), done), // a refused ID: an error, once
    ];
    for (const run of calls) {
      let returned = false;
      const result = settle((done) => {
        run((err) => done(err, returned));
        returned = true;
      });
      const { value: calledAfterReturn, calls: count } = await result;
      expect(calledAfterReturn).toBe(true);
      expect(count).toBe(1);
    }
    // Without a callback, writes still happen.
    store.set('quiet', sessionData({ n: 1 }));
    expect(await ok((done) => store.get('quiet', done))).toMatchObject({ n: 1 });
  });

  it("loads into express-session's Session and Cookie objects (Store#load and createSession)", async () => {
    const store = fixture.store();
    await ok((done) => store.set('sid', sessionData({ user: 'grace' }, MINUTE), done));
    const loaded = await ok<SessionData>((done) => store.load('sid', done));
    expect(loaded).toBeInstanceOf(session.Session);
    expect(loaded).toMatchObject({ id: 'sid', user: 'grace' });
    expect(loaded?.cookie).toBeInstanceOf(session.Cookie);
    expect(loaded?.cookie.maxAge).toBeGreaterThan(MINUTE - 5_000);
  });

  it('serves the session actions: rotateSessionCookie, restartSession (regenerate) and endSession (destroy)', async () => {
    const store = fixture.store();
    const { app } = buildApp({
      store,
      routes: (router) => {
        router.get('/', (req, res) => res.json({ id: getSessionId(req), user: req.session.user ?? null }));
        router.post('/login', async (req, res) => {
          await rotateSessionCookie(req);
          req.session.user = 'grace';
          res.json({ id: getSessionId(req) });
        });
        router.post('/restart', async (req, res) => res.json({ id: await restartSession(req) }));
        router.post('/logout', async (req, res) => {
          await endSession(req, res);
          res.json({ ended: true });
        });
      },
    });
    const agent = request.agent(app);
    const first = await agent.get('/').expect(200);
    const oldCookie = first.headers['set-cookie']![0]!.split(';')[0]!;
    expect((await agent.post('/login').expect(200)).body.id).toBe(first.body.id);
    expect((await agent.get('/')).body).toEqual({ id: first.body.id, user: 'grace' });
    expect((await request(app).get('/').set('Cookie', oldCookie)).body.id).not.toBe(first.body.id);
    const restarted = (await agent.post('/restart').expect(200)).body.id as string;
    expect(restarted).not.toBe(first.body.id);
    expect((await agent.get('/')).body).toEqual({ id: restarted, user: null });
    await agent.post('/logout').expect(200);
    // Left: the session the old cookie started on its own (an eager session is stored on its first request).
    expect(await ok((done) => store.length(done))).toBe(1);
  });

  it('never returns an expired row (get, length, all), and touch does not bring one back', async () => {
    const clock = createClock(Date.now());
    const store = fixture.store({ now: clock.now });
    await ok((done) => store.set('short', sessionData({}, MINUTE), done));
    await ok((done) => store.set('long', sessionData({}, 10 * MINUTE), done));
    clock.advance(MINUTE + 1);
    expect(await ok((done) => store.get('short', done))).toBeNull();
    expect(await ok((done) => store.length(done))).toBe(1);
    expect(Object.keys((await ok<Record<string, SessionData> | null>((done) => store.all(done))) ?? {})).toEqual([
      keyOf('long').toString('hex'),
    ]);
    await ok((done) => store.touch('short', sessionData({}, 10 * MINUTE), done));
    expect(await ok((done) => store.get('short', done))).toBeNull();
  });

  it('touch moves only the expiry, and only by more than 1% of the lifetime: the data is neither read nor rewritten', async () => {
    const clock = createClock(Date.now());
    const file = fixture.file();
    const store = fixture.store({ path: file, now: clock.now });
    const db = fixture.database(file);
    const expiresAt = () => db.prepare('SELECT expires_at FROM sessions').pluck().get() as number;
    await ok((done) => store.set('sid', sessionData({ cart: 'book' }, 100 * MINUTE), done));
    // Another process saved newer data meanwhile; a touch carrying this request's stale copy must not undo it.
    db.prepare("UPDATE sessions SET sess = json_set(sess, '$.cart', 'lamp')").run();
    const written = expiresAt();
    clock.advance(MINUTE - 1); // less than 1% of 100 minutes: no write
    await ok((done) => store.touch('sid', sessionData({ cart: 'book' }, 100 * MINUTE), done));
    expect(expiresAt()).toBe(written);
    clock.advance(2);
    await ok((done) => store.touch('sid', sessionData({ cart: 'book' }, 100 * MINUTE), done));
    expect(expiresAt()).toBe(clock.now() + 100 * MINUTE);
    expect(await ok((done) => store.get('sid', done))).toMatchObject({ cart: 'lamp' });
  });

  it('keys all() by the hex SHA-256 of the session ID, since the IDs themselves are never stored', async () => {
    const store = fixture.store();
    await ok((done) => store.set('cookie-id-1', sessionData({ n: 1 }), done));
    const all = await ok<Record<string, SessionData> | null>((done) => store.all(done));
    expect(all).toEqual({ [keyOf('cookie-id-1').toString('hex')]: expect.objectContaining({ n: 1 }) });
  });

  it('prepares its statements once, on a database the app opened, in its own table, left open by close()', async () => {
    const db = fixture.database(fixture.file());
    const prepare = vi.spyOn(db, 'prepare');
    const store = new SqliteSessionStore({ db, table: 'web_sessions' });
    const prepared = prepare.mock.calls.length;
    expect(prepared).toBeGreaterThan(0);
    for (let i = 0; i < 20; i++) {
      await ok((done) => store.set(`s${i}`, sessionData({ i }), done));
      await ok((done) => store.get(`s${i}`, done));
      await ok((done) => store.touch(`s${i}`, sessionData({ i }), done));
    }
    await store.prune();
    expect(prepare.mock.calls.length).toBe(prepared);
    await store.close();
    expect(db.open).toBe(true);
    expect(db.prepare('SELECT COUNT(*) FROM web_sessions').pluck().get()).toBe(20);
  });

  it('after close() answers every call with ERR_ELS_STORE_UNAVAILABLE; closing twice is harmless', async () => {
    const store = fixture.store({ path: ':memory:' });
    await store.close();
    await store.close();
    const { err } = await settle((done) => store.get('sid', done));
    expect(err).toMatchObject({ code: 'ERR_ELS_STORE_UNAVAILABLE', status: 503 });
    expect((err as Error).message).toMatch(/^SqliteSessionStore\.get: the store is closed\./);
    await expect(store.prune()).rejects.toMatchObject({ code: 'ERR_ELS_STORE_UNAVAILABLE' });
  });
});
