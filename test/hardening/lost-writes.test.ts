/**
 * Guarantee 4 under injected store latency (issue 11, "Lost writes"): a request whose store read comes
 * back late, while another request of the same session saves in between, must not write its old copy
 * over that save when it refreshes `lastActivityAt` or rotates the ID, and must not bring back a session
 * that was destroyed meanwhile. Also: an idle burst writes once per process, not once per request.
 * Run on every store the suite has: MemoryStore, the SQLite session store and Redis.
 */
import express from 'express';
import session, { MemoryStore, type Store } from 'express-session';
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { endSession, getSessionId, logicalSession } from '../../src/index.js';
import { SqliteSessionStore } from '../../src/sqlite-store/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { createClock, SECRET } from '../helpers/app.js';
import { requireRedis, type ServiceGate } from '../helpers/services.js';
import { probeStore, type StoreProbe } from '../helpers/store-probe.js';

const MINUTE = 60_000;
const TRIALS = 10;
const LATE_MS = 60;

declare module 'express-session' {
  interface SessionData {
    basket?: string;
    member?: string;
  }
}

function instance(store: Store, now: () => number) {
  const app = express();
  app.use(session({ secret: SECRET, resave: false, saveUninitialized: false, store }));
  app.use(logicalSession({ now, idleTimeout: '30m', touchInterval: '1m' }));
  app.get('/id', (req, res) => res.json({ id: getSessionId(req) }));
  app.get('/slow-id', async (req, res) => {
    await new Promise((resolve) => setTimeout(resolve, 150));
    res.json({ id: getSessionId(req) });
  });
  app.post('/cart', (req, res) => {
    req.session.basket = typeof req.query.item === 'string' ? req.query.item : '';
    res.json({ id: getSessionId(req) });
  });
  app.post('/login', (req, res) => {
    req.session.member = 'ada';
    res.json({ id: getSessionId(req) });
  });
  app.get('/me', (req, res) =>
    res.json({ id: getSessionId(req), basket: req.session.basket, member: req.session.member }),
  );
  app.post('/logout', async (req, res, next) => {
    try {
      await endSession(req, res);
      res.sendStatus(204);
    } catch (err) {
      next(err);
    }
  });
  return app;
}

interface Harness {
  store: Store;
  close(): Promise<void>;
}

function describeLostWrites(name: string, gate: ServiceGate | undefined, makeStore: () => Promise<Harness>): void {
  const run = gate === undefined || gate.available ? describe : describe.skip;
  run(`no lost writes under a late store read: ${name}`, () => {
    const harnesses: Harness[] = [];
    afterAll(async () => {
      for (const harness of harnesses) await harness.close();
    });

    async function setup() {
      const harness = await makeStore();
      harnesses.push(harness);
      const probe: StoreProbe = probeStore(harness.store);
      const clock = createClock();
      const apps = [instance(harness.store, clock.now), instance(harness.store, clock.now)] as const;
      const newSession = async (): Promise<string> => {
        const res = await request(apps[0]).post('/login');
        return res.headers['set-cookie']![0]!.split(';')[0]!;
      };
      return { probe, clock, apps, newSession };
    }

    it.each([
      ['a touch, over two instances', 2 * MINUTE, 1],
      ['an idle rotation, on one instance', 31 * MINUTE, 0],
      ['an idle rotation, over two instances', 31 * MINUTE, 1],
    ])('keeps a concurrent write when the late reader makes %s', async (_, idle, writerApp) => {
      const { probe, clock, apps, newSession } = await setup();
      for (let trial = 0; trial < TRIALS; trial++) {
        const cookie = await newSession();
        clock.advance(idle);
        const issued = probe.delayNextRead(LATE_MS);
        const late = Promise.resolve(request(apps[0]).get('/id').set('Cookie', cookie));
        await issued;
        await request(apps[writerApp]!).post(`/cart?item=trial-${trial}`).set('Cookie', cookie).expect(200);
        const lateId = (await late).body.id as string;
        const after = await request(apps[0]).get('/me').set('Cookie', cookie);
        expect(after.body.basket).toBe(`trial-${trial}`);
        expect(after.body.member).toBe('ada');
        expect(after.body.id).toBe(lateId);
      }
    });

    it('keeps a later write when the late reader finds its change already made and writes nothing', async () => {
      const { probe, clock, apps, newSession } = await setup();
      for (let trial = 0; trial < TRIALS; trial++) {
        const cookie = await newSession();
        clock.advance(2 * MINUTE);
        const issued = probe.delayNextRead(LATE_MS);
        const late = Promise.resolve(request(apps[0]).get('/slow-id').set('Cookie', cookie));
        await issued;
        // The other instance touches first: the late reader reloads, finds the touch made, and writes nothing.
        await request(apps[1]).post(`/cart?item=first-${trial}`).set('Cookie', cookie).expect(200);
        await new Promise((resolve) => setTimeout(resolve, LATE_MS + 30));
        // While the late reader is still in its route, another write lands.
        await request(apps[1]).post(`/cart?item=second-${trial}`).set('Cookie', cookie).expect(200);
        expect((await late).status).toBe(200);
        const after = await request(apps[0]).get('/me').set('Cookie', cookie);
        expect(after.body.basket).toBe(`second-${trial}`);
      }
    });

    it('never brings back a session that a logout destroyed while the read was late', async () => {
      const { probe, clock, apps, newSession } = await setup();
      for (let trial = 0; trial < TRIALS; trial++) {
        const cookie = await newSession();
        clock.advance(31 * MINUTE);
        const issued = probe.delayNextRead(LATE_MS);
        const late = Promise.resolve(request(apps[0]).get('/id').set('Cookie', cookie));
        await issued;
        await request(apps[1]).post('/logout').set('Cookie', cookie).expect(204);
        expect((await late).status).toBe(200);
        const after = await request(apps[0]).get('/me').set('Cookie', cookie);
        expect(after.body.member).toBeUndefined();
      }
    });

    it('writes an idle rotation once per process, however many requests of the burst see it', async () => {
      const { probe, clock, apps, newSession } = await setup();
      const cookie = await newSession();
      clock.advance(31 * MINUTE);
      const before = probe.sets;
      probe.delayAllReads(30); // every request of the burst loads the same stored copy
      const burst = await Promise.all(
        Array.from({ length: 200 }, () => request(apps[0]).get('/id').set('Cookie', cookie)),
      );
      probe.delayAllReads(0);
      expect(new Set(burst.map((res) => res.body.id as string)).size).toBe(1);
      expect(probe.sets - before).toBe(1);
    });
  });
}

describeLostWrites('MemoryStore', undefined, () =>
  Promise.resolve({ store: new MemoryStore(), close: () => Promise.resolve() }),
);

describeLostWrites('SQLite session store', undefined, () => {
  const dir = tempDir('els-lost-writes-');
  const store = new SqliteSessionStore({ path: join(dir.path, 'sessions.db') });
  return Promise.resolve({
    store,
    async close() {
      await store.close();
      dir.remove();
    },
  });
});

const redis = requireRedis();
describeLostWrites('Redis (connect-redis)', redis, async () => {
  const client = createClient({ url: redis.available ? redis.url : undefined });
  await client.connect();
  const prefix = `lost-writes:${process.pid}:${Math.random().toString(36).slice(2)}:`;
  return {
    store: new RedisStore({ client, prefix }),
    async close() {
      for await (const keys of client.scanIterator({ MATCH: `${prefix}*` }))
        if (keys.length > 0) await client.del(keys);
      await client.quit();
    },
  };
});
