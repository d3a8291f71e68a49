// Negative controls: the same scenarios as middleware.test.ts, run against designs that are known
// to be wrong, so we know those tests can fail.
import { randomUUID } from 'node:crypto';
import express from 'express';
import session from 'express-session';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { getSessionId } from '../src/index.js';
import { buildApp, CountingStore, createClock, delay, SECRET, send } from './helpers/app.js';

/** The pattern people write by hand today: get-or-create, stamp every request, regenerate when idle. */
function handWrittenApp(now: () => number) {
  const app = express();
  const store = new CountingStore();
  app.use(session({ secret: SECRET, resave: false, saveUninitialized: false, store }));
  app.use((req, _res, next) => {
    const s = req.session as unknown as { sid?: string; last?: number };
    if (s.sid === undefined || now() - (s.last ?? 0) > 30 * 60_000) s.sid = randomUUID();
    s.last = now();
    next();
  });
  app.get('/slow-read', async (_req, res) => {
    await delay(300);
    res.send('ok');
  });
  app.post('/cart', (req, res) => {
    (req.session as unknown as { cart: string }).cart = 'book';
    res.send('ok');
  });
  app.get('/cart', (req, res) => res.json({ cart: (req.session as unknown as { cart?: string }).cart ?? null }));
  return { app, store };
}

describe('negative controls', () => {
  it('the hand-written pattern loses a concurrent write and writes on every request', async () => {
    const clock = createClock();
    const { app, store } = handWrittenApp(clock.now);
    const agent = request.agent(app);
    await agent.get('/cart');
    clock.advance(1000);
    const slow = send(agent.get('/slow-read'));
    await delay(50);
    await agent.post('/cart');
    await slow;
    expect(store.sets).toBe(3); // one write per request, even for the read-only one
    expect((await agent.get('/cart')).body.cart).toBeNull();
  });

  it('a random generateId diverges under a burst after an idle timeout that hits two instances', async () => {
    // Within one process the requests of a burst share one write (and its ID); across instances only
    // the derived ID makes them agree.
    const clock = createClock();
    const store = new CountingStore(20);
    const instance = () =>
      buildApp({
        store,
        options: { now: clock.now, generateId: () => randomUUID() },
        routes: (router) => router.get('/id', (req, res) => res.json({ id: getSessionId(req) })),
      }).app;
    const apps = [instance(), instance()];
    const first = await request(apps[0]!).get('/id');
    const cookie = first.headers['set-cookie']![0]!.split(';')[0]!;
    clock.advance(31 * 60_000);
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request(apps[i % 2]!)
          .get('/id')
          .set('Cookie', cookie),
      ),
    );
    expect(new Set(burst.map((r) => r.body.id as string)).size).toBeGreaterThan(1);
  });
});
