/**
 * Faults that used to leave a request or a shutdown waiting forever (issue 11, "Hangs"): awaited hooks
 * that never settle, sinks whose write or close never settle, a database that accepts and never answers.
 */
import net from 'node:net';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSessionId, sessionErrorHandler, type ActivitySink } from '../../src/index.js';
import { SqlActivityStore } from '../../src/activity/index.js';
import { buildApp, expressVersions } from '../helpers/app.js';
import { warnings } from '../helpers/log-capture.js';
import { describeWith, requirePostgres } from '../helpers/services.js';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);
const idRoutes = (router: import('express').Router) =>
  router.get('/id', (req, res) => res.json({ id: getSessionId(req) }));

describe.each(expressVersions)('awaited hooks have a deadline on $name', ({ express }) => {
  it('answers every request when shouldRegenerate never settles, keeping the ID and counting each timeout', async () => {
    const { logger, messages } = warnings();
    const { app, middleware } = buildApp({
      express,
      options: { logger, hooks: { shouldRegenerate: never } }, // the default hookTimeout, 1 s
      routes: idRoutes,
    });
    const agents = Array.from({ length: 20 }, () => request.agent(app));
    const first = await Promise.all(agents.map((agent) => agent.get('/id')));
    const second = await Promise.all(agents.map((agent) => agent.get('/id').timeout(3000)));
    expect(second.map((res) => res.status)).toEqual(second.map(() => 200));
    expect(second.map((res) => res.body.id as string)).toEqual(first.map((res) => res.body.id as string));
    expect(middleware.stats.hookFailures).toBe(20);
    expect(messages[0]).toBe(
      'express-logical-session: hook shouldRegenerate did not settle within 1000 ms; keeping the ID',
    );
  });

  it('sends the default error body when enrichError never settles', async () => {
    const { logger, messages } = warnings();
    const { app, middleware } = buildApp({
      express,
      options: { logger, hooks: { enrichError: never } },
      routes: (router) =>
        router.get('/boom', () => {
          throw new Error('boom');
        }),
      after: [sessionErrorHandler()],
    });
    const res = await request(app).get('/boom').timeout(3000);
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ error: 'Internal Server Error', sessionId: expect.any(String) });
    expect(middleware.stats.hookFailures).toBe(1);
    expect(messages).toContain(
      'express-logical-session: enrichError did not settle within 1000 ms; sending the default error body',
    );
  });

  it('applies its own hookTimeout to enrich when logicalSession() did not run', async () => {
    const app = express();
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.use(sessionErrorHandler({ hookTimeout: 30, enrich: never }));
    const res = await request(app).get('/boom').timeout(3000);
    expect(res.status).toBe(500);
    expect(res.body.sessionId).toEqual(expect.any(String));
  });
});

describe('activity sinks cannot stall shutdown or pile up writes', () => {
  it('close() returns after writeTimeout when a sink never finishes closing, with the losses counted', async () => {
    const sink: ActivitySink = { write: never, close: never };
    const { app, middleware } = buildApp({
      options: { activity: { sinks: [sink], writeTimeout: 100, flushInterval: 10 } },
      routes: idRoutes,
    });
    await request(app).get('/id'); // one session.start record, whose write never settles
    await middleware.close(); // on main this never returned
    expect(middleware.stats.activityDropped).toBe(1);
    expect(middleware.stats.activityWriteFailures).toBeGreaterThanOrEqual(1);
  });

  it('never calls a slow sink concurrently, whatever writeTimeout does; middleware.stats counts its failures', async () => {
    let running = 0;
    let most = 0;
    const slow: ActivitySink = {
      async write() {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 150));
        running--;
      },
    };
    const { app, middleware } = buildApp({
      options: { activity: { sinks: [slow], writeTimeout: 20, flushInterval: 10, batchSize: 1 } },
      routes: idRoutes,
    });
    for (let i = 0; i < 30; i++) await request(app).get('/id');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(most).toBe(1);
    expect(middleware.stats.activityWriteFailures).toBeGreaterThan(0);
    await middleware.close();
    expect(middleware.stats.activityDropped).toBeGreaterThanOrEqual(0);
  });

  it('counts records dropped from a full buffer in middleware.stats', async () => {
    const failing: ActivitySink = {
      write: () => Promise.reject(new Error('down')),
    };
    const { app, middleware } = buildApp({
      options: { activity: { sinks: [failing], maxBuffer: 5, batchSize: 5, flushInterval: 10 } },
      routes: idRoutes,
    });
    for (let i = 0; i < 10; i++) await request(app).get('/id'); // ten session.start records
    expect(middleware.stats.activityDropped).toBe(5);
    await middleware.close();
  });
});

const postgres = requirePostgres();

describeWith(postgres, 'a PostgreSQL that accepts connections and never answers', () => {
  let blackHole: net.Server;
  const sockets = new Set<net.Socket>();
  let port = 0;

  beforeAll(async () => {
    blackHole = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    port = (blackHole.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  });

  it('holds one query in the pool at most, and close() still returns', async () => {
    const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', database: 'test', max: 4 });
    pool.on('error', () => undefined);
    const store = new SqlActivityStore({ postgres: pool, createTable: false });
    const { app, middleware } = buildApp({
      options: { activity: { sinks: [store], writeTimeout: 30, flushInterval: 10, batchSize: 1 } },
      routes: idRoutes,
    });
    // Fifteen session.start records and many writeTimeouts: on main, each retry queued one more query.
    for (let i = 0; i < 15; i++) await request(app).get('/id');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pool.waitingCount).toBe(0);
    expect(pool.totalCount).toBeLessThanOrEqual(1);
    // One write was started and timed out; the sink got no other while that query hung.
    expect(middleware.stats.activityWriteFailures).toBe(1);
    await middleware.close();
    expect(middleware.stats.activityDropped).toBe(15);
    for (const socket of sockets) socket.destroy();
    await pool.end().catch(() => undefined);
  });
});
