/**
 * The core's guarantees that depend on what the session store does, as one suite every store runs
 * (MemoryStore in test/store-guarantees.test.ts, SQLite in test/sqlite-store/): no store write in
 * steady state beyond express-session's own (API.md guarantee 3), no update lost to a slow read-only
 * request (guarantee 4), and lazy persistence storing nothing until the app does.
 */
import type { Store } from 'express-session';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { getSessionId } from '../../src/index.js';
import { buildApp, createClock, delay, expressVersions, idRoutes, send } from './app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MINUTE = 60_000;

/** Counts `set` calls by wrapping the instance's method, so any store can be counted as it is. */
function countSets(store: Store): { sets: number } {
  const counter = { sets: 0 };
  const set = store.set.bind(store);
  store.set = (sid, data, callback) => {
    counter.sets++;
    set(sid, data, callback);
  };
  return counter;
}

function lengthOf(store: Store): Promise<number> {
  return new Promise((resolve, reject) => {
    store.length!((err, length) => (err ? reject(err as Error) : resolve(length ?? 0)));
  });
}

/** Runs the suite on stores made by `makeStore`, a fresh one per test; one with `close()` is closed after it. */
export function describeStoreGuarantees(name: string, makeStore: () => Store): void {
  const made: Store[] = [];
  const fresh = (): Store => {
    const store = makeStore();
    made.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of made.splice(0)) await (store as { close?: () => unknown }).close?.();
  });

  describe.each(expressVersions)(`store guarantees on ${name}, $name`, ({ express }) => {
    it('adds no store write within touchInterval and exactly one when crossing it', async () => {
      const clock = createClock();
      const store = fresh();
      const counted = countSets(store);
      const { app } = buildApp({ express, store, options: { now: clock.now, touchInterval: '1m' }, routes: idRoutes });
      const agent = request.agent(app);
      await agent.get('/id');
      expect(counted.sets).toBe(1);
      for (let i = 0; i < 50; i++) {
        clock.advance(1000); // 50 s in all: still inside one touchInterval
        await agent.get('/id');
      }
      expect(counted.sets).toBe(1);
      clock.advance(11_000);
      await agent.get('/id');
      expect(counted.sets).toBe(2);
      await agent.get('/id');
      expect(counted.sets).toBe(2);
    });

    it('never erases data a concurrent request wrote, also when the slow reader refreshes lastActivityAt', async () => {
      const clock = createClock();
      const { app } = buildApp({
        express,
        store: fresh(),
        options: { now: clock.now, touchInterval: '1m', idleTimeout: '30m' },
        routes: idRoutes,
      });
      const agent = request.agent(app);
      await agent.get('/id');
      for (const advance of [0, 2 * MINUTE]) {
        clock.advance(advance); // 2 min: the slow request is the one that crosses touchInterval
        const slow = send(agent.get('/slow-read'));
        await delay(50);
        await agent.post(`/cart?item=book-${advance}`).expect(200);
        await slow;
        expect((await agent.get('/cart')).body.cart).toBe(`book-${advance}`);
      }
    });

    it('never erases data a concurrent request wrote when the slow reader rotates the ID', async () => {
      const clock = createClock();
      const { app } = buildApp({
        express,
        store: fresh(),
        options: { now: clock.now, idleTimeout: '30m' },
        routes: idRoutes,
      });
      const agent = request.agent(app);
      const before = (await agent.get('/id')).body.id as string;
      clock.advance(31 * MINUTE);
      const slow = send(agent.get('/slow-read'));
      await delay(50);
      const write = await agent.post('/cart?item=lamp');
      const slowBody = (await slow).body as { id: string };
      expect(write.body.id).toBe(slowBody.id);
      expect(slowBody.id).not.toBe(before);
      expect((await agent.get('/cart')).body.cart).toBe('lamp');
    });

    it("persist: 'lazy' sets no cookie and stores nothing for untouched sessions; the ID seen when the app saves sticks", async () => {
      const store = fresh();
      const counted = countSets(store);
      const { app } = buildApp({
        express,
        store,
        options: { persist: 'lazy' },
        routes: (router) => {
          idRoutes(router);
          router.post('/remember', (req, res) => {
            (req.session as unknown as { theme: string }).theme = 'dark';
            res.json({ id: getSessionId(req) });
          });
        },
      });
      const untouched = await request(app).get('/untouched');
      expect(untouched.headers['set-cookie']).toBeUndefined();
      const read = await request(app).get('/id');
      expect(read.headers['set-cookie']).toBeUndefined();
      expect(read.body.id).toMatch(UUID);
      expect(counted.sets).toBe(0);
      expect(await lengthOf(store)).toBe(0);
      const agent = request.agent(app);
      const saved = await agent.post('/remember');
      expect(saved.headers['set-cookie']).toBeDefined();
      expect(counted.sets).toBe(1);
      expect(await lengthOf(store)).toBe(1);
      const later = await agent.get('/id');
      expect(later.body.id).toBe(saved.body.id);
      expect(later.body.info.isNew).toBe(false);
    });
  });
}
