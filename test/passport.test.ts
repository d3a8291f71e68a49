/**
 * Login and logout through real passport 0.7 + passport-local: `req.login` (which regenerates the
 * session) keeps the logical ID, `req.logout` ends it with reason `logout`, and a plain
 * `req.session.regenerate()` restarts it. On Express 4 and 5, with and without `keepSessionInfo`, with
 * passport mounted before or after `logicalSession()`.
 */
import express5, { type RequestHandler } from 'express';
import session, { MemoryStore } from 'express-session';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  getSessionId,
  getSessionInfo,
  logActivity,
  logicalSession,
  type ActivityRecord,
  type LogicalSessionOptions,
  type SessionEndEvent,
  type SessionStartEvent,
} from '../src/index.js';
import { expressVersions, SECRET, type ExpressFactory } from './helpers/app.js';

interface User {
  id: string;
  name: string;
}
const USERS: Record<string, User & { password: string }> = { ada: { id: 'u1', name: 'ada', password: 'lovelace' } };

declare module 'express-session' {
  interface SessionData {
    cart?: string[];
  }
}

function passportFor(): InstanceType<typeof Passport> {
  const passport = new Passport();
  passport.use(
    new LocalStrategy((username, password, done) => {
      const user = USERS[username];
      done(null, user && user.password === password ? { id: user.id, name: user.name } : false);
    }),
  );
  passport.serializeUser((user, done) => done(null, (user as User).id));
  passport.deserializeUser((id, done) => done(null, Object.values(USERS).find((u) => u.id === id) ?? false));
  return passport;
}

interface Setup {
  express: ExpressFactory;
  keepSessionInfo: boolean;
  passportFirst: boolean;
  options?: LogicalSessionOptions;
  store?: MemoryStore;
}

function loginApp({ express, keepSessionInfo, passportFirst, options, store }: Setup) {
  const passport = passportFor();
  const starts: SessionStartEvent[] = [];
  const ends: SessionEndEvent[] = [];
  const records: ActivityRecord[] = [];
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(session({ secret: SECRET, resave: false, saveUninitialized: false, store: store ?? new MemoryStore() }));
  const logical = logicalSession({
    ...options,
    hooks: {
      onSessionStart: (event) => void starts.push(event),
      onSessionEnd: (event) => void ends.push(event),
      onActivity: (record) => void records.push(record),
    },
  });
  const passportSession = passport.session() as RequestHandler;
  if (passportFirst) app.use(passportSession, logical);
  else app.use(logical, passportSession);
  const me: RequestHandler = (req, res) =>
    res.json({
      id: getSessionId(req),
      info: getSessionInfo(req),
      user: (req.user as User | undefined)?.name ?? null,
      cart: req.session.cart ?? null,
    });
  app.get('/me', me);
  app.post('/cart', (req, res) => {
    req.session.cart = ['book'];
    res.json({ id: getSessionId(req) });
  });
  app.post('/login', passport.authenticate('local', { keepSessionInfo }) as RequestHandler, (req, res) => {
    logActivity(req, 'login', { user: (req.user as User).name });
    res.json({ id: getSessionId(req) });
  });
  app.post('/logout', (req, res, next) => {
    req.logout({ keepSessionInfo }, (err) => {
      if (err) {
        next(err);
        return;
      }
      res.json({ id: getSessionId(req) });
    });
  });
  app.post('/regenerate', (req, res, next) => {
    req.session.regenerate((err) => {
      if (err) {
        next(err);
        return;
      }
      res.json({ id: getSessionId(req), info: getSessionInfo(req) });
    });
  });
  return { app, starts, ends, records };
}

const cookieOf = (res: request.Response): string => res.headers['set-cookie']![0]!.split(';')[0]!;

const variants = expressVersions.flatMap((version) =>
  [false, true].flatMap((keepSessionInfo) =>
    [false, true].map((passportFirst) => ({ ...version, keepSessionInfo, passportFirst })),
  ),
);

describe.each(variants)(
  'passport on $name, keepSessionInfo $keepSessionInfo, passport first $passportFirst',
  ({ express, keepSessionInfo, passportFirst }) => {
    it('req.login keeps the logical ID: new cookie, old cookie dead, login activity under the same ID', async () => {
      const { app, starts, ends, records } = loginApp({ express, keepSessionInfo, passportFirst });
      const anonymous = await request(app).post('/cart');
      const id = anonymous.body.id as string;
      const oldCookie = cookieOf(anonymous);
      const login = await request(app)
        .post('/login')
        .set('Cookie', oldCookie)
        .type('form')
        .send({ username: 'ada', password: 'lovelace' });
      expect(login.status).toBe(200);
      expect(login.body.id).toBe(id);
      const newCookie = cookieOf(login);
      expect(newCookie).not.toBe(oldCookie);
      const after = await request(app).get('/me').set('Cookie', newCookie);
      expect(after.body).toMatchObject({ id, user: 'ada', info: { isNew: false, persistent: true } });
      // passport's own data handling: keepSessionInfo keeps the cart, the default drops it.
      expect(after.body.cart).toEqual(keepSessionInfo ? ['book'] : null);
      const replay = await request(app).get('/me').set('Cookie', oldCookie);
      expect(replay.body.user).toBeNull();
      expect(replay.body.id).not.toBe(id);
      expect(starts.filter((e) => e.sessionId === id)).toHaveLength(1);
      expect(ends.filter((e) => e.sessionId === id)).toEqual([]);
      expect(records.filter((r) => r.type === 'login').map((r) => r.sessionId)).toEqual([id]);
    });

    it('req.logout ends the logical session once, with reason logout; the next request starts a new one', async () => {
      const { app, starts, ends } = loginApp({ express, keepSessionInfo, passportFirst });
      const first = await request(app).post('/login').type('form').send({ username: 'ada', password: 'lovelace' });
      const id = first.body.id as string;
      const logout = await request(app).post('/logout').set('Cookie', cookieOf(first));
      expect(logout.body.id).toBe(id); // the rest of the request logs the ended ID
      expect(ends).toEqual([expect.objectContaining({ sessionId: id, reason: 'logout' })]);
      const cookie = logout.headers['set-cookie'] ? cookieOf(logout) : cookieOf(first);
      const next = await request(app).get('/me').set('Cookie', cookie);
      expect(next.body.id).not.toBe(id);
      expect(next.body.user).toBeNull();
      const start = starts.find((e) => e.sessionId === next.body.id);
      expect(start).toMatchObject({ reason: 'new' });
      expect(start?.previousId).toBeUndefined();
      expect(ends).toHaveLength(1);
    });
  },
);

describe.each(expressVersions)('a plain req.session.regenerate() on $name', ({ express }) => {
  it('restarts the logical session: end(restart), a new ID linked by previousId, a new cookie', async () => {
    const { app, starts, ends } = loginApp({ express, keepSessionInfo: false, passportFirst: false });
    const first = await request(app).post('/cart');
    const id = first.body.id as string;
    const regenerated = await request(app).post('/regenerate').set('Cookie', cookieOf(first));
    const next = regenerated.body as { id: string; info: { previousId?: string; isNew: boolean } };
    expect(next.id).not.toBe(id);
    expect(next.info).toMatchObject({ previousId: id, isNew: true });
    expect(ends).toEqual([expect.objectContaining({ sessionId: id, reason: 'restart' })]);
    expect(starts.at(-1)).toMatchObject({ sessionId: next.id, reason: 'restart', previousId: id });
    const after = await request(app).get('/me').set('Cookie', cookieOf(regenerated));
    expect(after.body.id).toBe(next.id);
  });

  it("in lazy mode, logs in a session nobody saved yet, and passport's save stores the ID", async () => {
    const { app, starts } = loginApp({
      express,
      keepSessionInfo: false,
      passportFirst: false,
      options: { persist: 'lazy' },
    });
    const login = await request(app).post('/login').type('form').send({ username: 'ada', password: 'lovelace' });
    const id = login.body.id as string;
    const after = await request(app).get('/me').set('Cookie', cookieOf(login));
    expect(after.body).toMatchObject({ id, user: 'ada' });
    expect(starts.map((e) => e.sessionId)).toEqual([id]);
  });
});

describe('express 5 only sanity', () => {
  it('uses the real passport package', () => {
    expect(typeof passportFor().authenticate).toBe('function');
    expect(express5).toBeTypeOf('function');
  });
});
