import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { SessionEndEvent, SessionStartEvent } from '../src/index.js';
import { buildApp, CountingStore, createClock, expressVersions, idRoutes } from './helpers/app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MINUTE = 60_000;

describe.each(expressVersions)('logicalSession() on $name', ({ express }) => {
  it('gives the first request a UUID, keeps it for that client, and never shares it', async () => {
    const { app } = buildApp({ express, routes: idRoutes });
    const alice = request.agent(app);
    const bob = request.agent(app);
    const first = await alice.get('/id').expect(200);
    expect(first.body.id).toMatch(UUID);
    expect(first.body.current).toBe(first.body.id);
    expect(first.body.info).toMatchObject({ isNew: true, persistent: true, generation: 0 });
    const again = await alice.get('/id');
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.info.isNew).toBe(false);
    const other = await bob.get('/id');
    expect(other.body.id).toMatch(UUID);
    expect(other.body.id).not.toBe(first.body.id);
  });

  it('converges: 20 parallel requests after an idle timeout all get one new ID, which sticks', async () => {
    const clock = createClock();
    const starts: SessionStartEvent[] = [];
    const ends: SessionEndEvent[] = [];
    const { app } = buildApp({
      express,
      store: new CountingStore(20),
      options: {
        now: clock.now,
        idleTimeout: '30m',
        hooks: { onSessionStart: (e) => void starts.push(e), onSessionEnd: (e) => void ends.push(e) },
      },
      routes: idRoutes,
    });
    const agent = request.agent(app);
    const original = (await agent.get('/id')).body.id as string;
    clock.advance(31 * MINUTE);
    const burst = await Promise.all(Array.from({ length: 20 }, () => agent.get('/id')));
    const ids = new Set(burst.map((r) => r.body.id as string));
    expect(ids.size).toBe(1);
    const [rotated] = [...ids];
    expect(rotated).not.toBe(original);
    expect((await agent.get('/id')).body.id).toBe(rotated);
    expect(burst.every((r) => r.body.info.previousId === original)).toBe(true);
    // one end(old) and one start(new) for the whole burst, besides the first visit's start
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ sessionId: original, reason: 'idle-timeout' });
    expect(starts.map((e) => e.reason)).toEqual(['new', 'idle-timeout']);
    expect(starts[1]).toMatchObject({ sessionId: rotated, previousId: original });
  });

  it('converges for a burst on a stored session that has no logical ID yet', async () => {
    const store = new CountingStore(20);
    const { app } = buildApp({
      store,
      express,
      options: { persist: 'lazy' },
      routes: (router) => {
        idRoutes(router);
        router.post('/login', (req, res) => {
          (req.session as unknown as { user: string }).user = 'ada';
          // Simulate a session stored before the library was installed: drop our state.
          req.session.save(() => {
            store.get(req.sessionID, (_e, data) => {
              delete (data as { els?: unknown } | null | undefined)?.els;
              req.sessionStore.set(req.sessionID, data!, () => res.send('ok'));
            });
          });
        });
      },
    });
    const agent = request.agent(app);
    await agent.post('/login').expect(200);
    const sid = store.sessionIds()[0]!;
    expect(store.read(sid)?.els).toBeUndefined();
    const burst = await Promise.all(Array.from({ length: 20 }, () => agent.get('/id')));
    expect(new Set(burst.map((r) => r.body.id as string)).size).toBe(1);
    expect((await agent.get('/id')).body.id).toBe(burst[0]!.body.id);
  });

  it('rotates after the absolute timeout however active the session is', async () => {
    const clock = createClock();
    const ends: SessionEndEvent[] = [];
    const { app } = buildApp({
      express,
      options: {
        now: clock.now,
        idleTimeout: '30m',
        absoluteTimeout: '2h',
        hooks: { onSessionEnd: (e) => void ends.push(e) },
      },
      routes: idRoutes,
    });
    const agent = request.agent(app);
    const first = (await agent.get('/id')).body.id as string;
    for (let i = 0; i < 11; i++) {
      clock.advance(10 * MINUTE);
      expect((await agent.get('/id')).body.id).toBe(first);
    }
    clock.advance(10 * MINUTE);
    const after = await agent.get('/id');
    expect(after.body.id).not.toBe(first);
    expect(after.body.info).toMatchObject({ previousId: first, generation: 1, isNew: true });
    expect(ends).toEqual([expect.objectContaining({ sessionId: first, reason: 'absolute-timeout' })]);
  });

  it('fires end(old) before start(new) once each, with deterministic event IDs', async () => {
    const clock = createClock();
    const order: string[] = [];
    const events: (SessionStartEvent | SessionEndEvent)[] = [];
    const options = {
      now: clock.now,
      hooks: {
        onSessionStart: (e: SessionStartEvent) => void (order.push(`start:${e.reason}`), events.push(e)),
        onSessionEnd: (e: SessionEndEvent) => void (order.push(`end:${e.reason}`), events.push(e)),
      },
    };
    // Two separate apps (two "instances") sharing one store observe the same transition.
    const store = new CountingStore(20);
    const one = buildApp({ express, store, options, routes: idRoutes }).app;
    const two = buildApp({ express, store, options, routes: idRoutes }).app;
    const first = await request(one).get('/id');
    const cookie = first.headers['set-cookie']![0]!.split(';')[0]!;
    clock.advance(31 * MINUTE);
    await Promise.all([request(one).get('/id').set('Cookie', cookie), request(two).get('/id').set('Cookie', cookie)]);
    expect(order).toEqual([
      'start:new',
      'end:idle-timeout',
      'start:idle-timeout',
      'end:idle-timeout',
      'start:idle-timeout',
    ]);
    const [, endA, startA, endB, startB] = events;
    expect(endA!.eventId).toBe(endB!.eventId);
    expect(startA!.eventId).toBe(startB!.eventId);
    expect(endA!.eventId).not.toBe(startA!.eventId);
    expect(startA!.eventId).toMatch(UUID);
  });

  it('lets shouldRegenerate rotate by policy, sync or async, and treats a throw as "keep"', async () => {
    let answer: () => unknown = () => false;
    const { app, middleware } = buildApp({
      express,
      options: { hooks: { shouldRegenerate: () => answer() as string | false } },
      routes: idRoutes,
    });
    const agent = request.agent(app);
    const first = (await agent.get('/id')).body.id as string;
    expect((await agent.get('/id')).body.id).toBe(first);
    answer = () => Promise.resolve('policy');
    const second = await agent.get('/id');
    expect(second.body.id).not.toBe(first);
    expect(second.body.info.previousId).toBe(first);
    answer = () => {
      throw new Error('policy bug');
    };
    expect((await agent.get('/id')).body.id).toBe(second.body.id);
    answer = () => Promise.reject(new Error('async policy bug'));
    expect((await agent.get('/id')).body.id).toBe(second.body.id);
    expect(middleware.stats.hookFailures).toBe(2);
  });

  it('eager mode sets a cookie on the first request even with saveUninitialized: false', async () => {
    const { app } = buildApp({ express, routes: idRoutes });
    const res = await request(app).get('/untouched');
    expect(res.headers['set-cookie']).toBeDefined();
  });

  it('sends the ID in exposeHeader on every response', async () => {
    const { app } = buildApp({ express, options: { exposeHeader: 'X-Session-Id' }, routes: idRoutes });
    const agent = request.agent(app);
    const res = await agent.get('/id');
    expect(res.headers['x-session-id']).toBe(res.body.id);
    expect((await agent.get('/untouched')).headers['x-session-id']).toBe(res.body.id);
  });

  it('answers next(err) telling to mount session() first when express-session is missing', async () => {
    const { app } = buildApp({
      express,
      withoutSession: true,
      routes: idRoutes,
      after: [
        (err: { code: string; message: string }, _req, res, _next: unknown) => {
          res.status(500).json({ code: err.code, message: err.message });
        },
      ],
    });
    const res = await request(app).get('/id').expect(500);
    expect(res.body.code).toBe('ERR_ELS_SESSION_NOT_MOUNTED');
    expect(res.body.message).toMatch(/Mount express-session first/);
  });
});
