/**
 * Expiry follows the cookie, in milliseconds as express-session counts them (a store that read `maxAge` as
 * seconds would keep a 60 s session for 16 hours), and `ttl` when the cookie has none. Time is the store's
 * injected clock, started at the real one, because express-session's Cookie counts on the real clock.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { Duration } from '../../src/index.js';
import { buildApp, createClock, idRoutes } from '../helpers/app.js';
import { keyOf, ok, sessionData, sqliteFixture } from './harness.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

describe('SqliteSessionStore expiry', () => {
  const fixture = sqliteFixture();

  function appOn(cookie: { maxAge?: number }, rolling = false, ttl?: Duration) {
    const clock = createClock(Date.now());
    const file = fixture.file();
    const store = fixture.store({ path: file, now: clock.now, ...(ttl === undefined ? {} : { ttl }) });
    const { app } = buildApp({ store, session: { cookie, rolling }, routes: idRoutes });
    const expiresAt = (cookieHeader: string): number => {
      const sid = decodeURIComponent(cookieHeader.split('=')[1]!).slice(2).split('.')[0]!;
      return fixture
        .database(file)
        .prepare('SELECT expires_at FROM sessions WHERE sid_hash = ?')
        .pluck()
        .get(keyOf(sid)) as number;
    };
    return { clock, store, app, expiresAt };
  }

  it('expires a session with cookie.maxAge 60000 after 60 s, not after 60,000 s', async () => {
    const { clock, app, expiresAt } = appOn({ maxAge: MINUTE });
    const agent = request.agent(app);
    const first = await agent.get('/id').expect(200);
    const cookie = first.headers['set-cookie']![0]!.split(';')[0]!;
    expect(expiresAt(cookie) - clock.now()).toBeGreaterThan(MINUTE - 5 * SECOND);
    expect(expiresAt(cookie) - clock.now()).toBeLessThanOrEqual(MINUTE);
    clock.advance(MINUTE + SECOND);
    const later = await request(app).get('/id').set('Cookie', cookie);
    expect(later.body.id).not.toBe(first.body.id);
    expect(later.body.info.isNew).toBe(true);
  });

  it('keeps a rolling session alive while it is used, and lets it expire maxAge after the last request', async () => {
    const { clock, app } = appOn({ maxAge: MINUTE }, true);
    const agent = request.agent(app);
    const id = (await agent.get('/id')).body.id as string;
    for (let i = 0; i < 3; i++) {
      clock.advance(50 * SECOND); // 150 s in all, each request within a minute of the one before
      const res = await agent.get('/id').expect(200);
      expect(res.body.id).toBe(id);
      expect(res.headers['set-cookie']).toBeDefined(); // rolling: the browser's expiry moves too
    }
    clock.advance(MINUTE + SECOND);
    expect((await agent.get('/id')).body.id).not.toBe(id);
  });

  it('uses ttl for a cookie without expiry (a browser-session cookie), restarted by every touch', async () => {
    const { clock, app } = appOn({}, false, '10m');
    const agent = request.agent(app);
    const id = (await agent.get('/id')).body.id as string;
    clock.advance(9 * MINUTE);
    expect((await agent.get('/id')).body.id).toBe(id); // express-session touches the store: 10 more minutes
    clock.advance(9 * MINUTE);
    expect((await agent.get('/id')).body.id).toBe(id);
    clock.advance(10 * MINUTE + SECOND);
    expect((await agent.get('/id')).body.id).not.toBe(id);
  });

  it('takes cookie.expires from stored JSON (a Date or its ISO string) when there is no maxAge', async () => {
    const clock = createClock(Date.now());
    const store = fixture.store({ now: clock.now });
    const at = clock.now() + 5 * MINUTE;
    for (const expires of [new Date(at), new Date(at).toISOString()]) {
      await ok((done) => store.set('sid', { cookie: { originalMaxAge: null, expires } } as never, done));
      clock.advance(5 * MINUTE - SECOND);
      expect(await ok((done) => store.get('sid', done))).not.toBeNull();
      clock.advance(SECOND);
      expect(await ok((done) => store.get('sid', done))).toBeNull();
      clock.advance(-5 * MINUTE);
    }
    await ok((done) => store.set('plain', sessionData({}, 90 * SECOND), done));
    clock.advance(90 * SECOND);
    expect(await ok((done) => store.get('plain', done))).toBeNull();
  });
});
