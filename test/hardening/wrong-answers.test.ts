/**
 * Answers that used to be wrong (issue 11, "Wrong answers"): requests express-session skips on purpose,
 * oddly shaped errors, hostile activity details, reserved header names, tampered stored state, and a
 * `req.session` that is not express-session's.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryStore } from 'express-session';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  getSessionId,
  getSessionInfo,
  logActivity,
  logicalSession,
  sessionErrorHandler,
  type ActivityRecord,
  type LogicalSessionError,
} from '../../src/index.js';
import { buildApp, CountingStore, createClock, expressVersions, SECRET } from '../helpers/app.js';
import { warnings } from '../helpers/log-capture.js';

const MINUTE = 60_000;
const idRoutes = (router: import('express').Router) =>
  router.get('/id', (req, res) => res.json({ id: getSessionId(req), info: getSessionInfo(req) }));

describe.each(expressVersions)('requests express-session skips on purpose, on $name', ({ express }) => {
  it('answers a URL outside cookie.path with a request-scoped ID, quietly, also as the very first request', async () => {
    const { logger, messages } = warnings();
    const { app, middleware } = buildApp({
      express,
      options: { logger },
      session: { cookie: { path: '/app' } },
      routes: (router) => {
        router.get('/healthz', (req, res) => res.json({ id: getSessionId(req), info: getSessionInfo(req) }));
        router.get('/app/id', (req, res) => res.json({ id: getSessionId(req) }));
      },
    });
    const health = await request(app).get('/healthz');
    expect(health.status).toBe(200);
    expect(health.body.info).toMatchObject({ persistent: false });
    expect(health.headers['set-cookie']).toBeUndefined();
    expect((await request(app).get('/app/id')).status).toBe(200);
    expect((await request(app).get('/healthz')).status).toBe(200);
    expect(messages).toEqual([]);
    expect(middleware.stats.requestScoped).toBe(2);
  });

  it('answers quietly while the store is disconnected, and with sessions again once it reconnects', async () => {
    const { logger, messages } = warnings();
    const store = new CountingStore();
    const { app } = buildApp({ express, store, options: { logger }, routes: idRoutes });
    store.emit('disconnect');
    const down = await request(app).get('/id');
    expect(down.status).toBe(200);
    expect(down.body.info).toMatchObject({ persistent: false });
    store.emit('connect');
    const up = await request(app).get('/id');
    expect(up.body.info).toMatchObject({ persistent: true });
    expect(messages).toEqual([]);
  });

  it('still tells a missing session() from a skip', async () => {
    const { app } = buildApp({ express, withoutSession: true, routes: idRoutes });
    let code: string | undefined;
    app.use((err: LogicalSessionError, _req: unknown, res: import('express').Response, _next: unknown) => {
      code = err.code;
      res.sendStatus(500);
    });
    await request(app).get('/id');
    expect(code).toBe('ERR_ELS_SESSION_NOT_MOUNTED');
  });
});

describe.each(expressVersions)('a req.session that is not express-session’s, on $name', ({ express }) => {
  it('is handed on with a request-scoped ID and one warning', async () => {
    const { logger, messages } = warnings();
    const { app } = buildApp({
      express,
      withoutSession: true,
      before: [
        (req, _res, next) => {
          (req as unknown as { session: object }).session = { user: 'from another middleware' };
          next();
        },
      ],
      options: { logger },
      routes: idRoutes,
    });
    for (let i = 0; i < 3; i++) {
      const res = await request(app).get('/id');
      expect(res.status).toBe(200);
      expect(res.body.info).toMatchObject({ persistent: false });
    }
    expect(messages).toEqual([
      'express-logical-session: req.session is not an express-session session (another middleware set it); serving request-scoped IDs',
    ]);
  });

  it('is answered under a bare http server too, in both modes', async () => {
    for (const persist of ['eager', 'lazy'] as const) {
      const middleware = logicalSession({ persist });
      const server = createServer((req, res) => {
        (req as unknown as { session: object }).session = {};
        middleware(req as never, res as never, () => res.end('next'));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const answer = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) });
      expect(await answer.text()).toBe('next');
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe.each(expressVersions)('oddly shaped errors get the library’s answer, on $name', ({ express }) => {
  const proxy = new Proxy(
    {},
    {
      get() {
        throw new Error('a trap');
      },
    },
  );
  const throwingGetters = Object.defineProperties(
    {},
    {
      message: {
        get() {
          throw new Error('message getter');
        },
      },
      status: {
        get() {
          throw new Error('status getter');
        },
      },
    },
  );
  it.each([
    ['a numeric message', Object.assign(new Error('x'), { message: 42 })],
    ['an undefined message', Object.assign(new Error('x'), { message: undefined })],
    ['a non-string stack', Object.assign(new Error('x'), { stack: { frames: [] } })],
    ['throwing getters', throwingGetters],
    ['a Proxy', proxy],
    ['a string', 'just a string'],
    ['a number', 7],
    ['a symbol', Symbol('thrown')],
  ])('%s', async (_, thrown) => {
    const { app } = buildApp({
      express,
      routes: (router) => router.get('/fail', (_req, _res, next) => next(thrown)),
      after: [sessionErrorHandler()],
    });
    const res = await request(app).get('/fail').timeout(3000);
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ error: 'Internal Server Error', sessionId: expect.any(String) });
    expect(res.text).not.toContain('at ');
  });
});

describe.each(expressVersions)('hostile activity details, on $name', ({ express }) => {
  it('keep the record, with a marker for what cannot be read', async () => {
    const seen: ActivityRecord[] = [];
    const { app } = buildApp({
      express,
      options: { hooks: { onActivity: (record) => void seen.push(record) } },
      routes: (router) =>
        router.get('/log', (req, res) => {
          const getter = Object.defineProperty({ ok: 1 }, 'bad', {
            enumerable: true,
            get() {
              throw new Error('no');
            },
          });
          const trap = new Proxy(
            {},
            {
              ownKeys() {
                throw new Error('no keys');
              },
            },
          );
          logActivity(req, 'with-getter', getter);
          logActivity(req, 'with-proxy', trap);
          res.sendStatus(204);
        }),
    });
    await request(app).get('/log').expect(204);
    const byType = new Map(seen.map((record) => [record.type, record.details]));
    expect(byType.get('with-getter')).toEqual({ ok: 1, bad: '[Unreadable]' });
    expect(byType.get('with-proxy')).toEqual({ '[unreadable]': true });
  });
});

describe('exposeHeader refuses reserved header names', () => {
  it.each(['Content-Length', 'transfer-encoding', 'Set-Cookie', 'Connection', 'Host'])('%s', (name) => {
    expect(() => logicalSession({ exposeHeader: name })).toThrow(
      new RegExp(`option \`exposeHeader\` received "${name}"\\. That header is reserved`),
    );
  });
});

describe.each(expressVersions)('tampered stored state, on $name', ({ express }) => {
  function tamperedApp(tamper: (els: string) => string) {
    const clock = createClock();
    const store = new CountingStore();
    const { app } = buildApp({
      express,
      store,
      options: { now: clock.now },
      routes: (router) => {
        idRoutes(router);
        router.post('/tamper', (req, res) => {
          (req.session as unknown as { els: string }).els = tamper(String(req.session.els));
          res.sendStatus(204);
        });
      },
    });
    return { app, clock, store };
  }

  it('repairs times in the future instead of pinning the ID forever', async () => {
    const future = (Date.UTC(2026, 0, 1) + 365 * 24 * 60 * MINUTE).toString(36);
    const { app, clock } = tamperedApp((els) => {
      const [generation, , , ...ids] = els.split(' ');
      return [generation, future, future, ...ids].join(' ');
    });
    const agent = request.agent(app);
    const first = (await agent.get('/id')).body.id as string;
    await agent.post('/tamper').expect(204);
    const repaired = (await agent.get('/id')).body.info as { lastActivityAt: number; createdAt: number };
    expect(repaired.lastActivityAt).toBe(clock.now());
    expect(repaired.createdAt).toBeLessThanOrEqual(clock.now());
    clock.advance(31 * MINUTE);
    expect((await agent.get('/id')).body.id).not.toBe(first);
  });

  it.each([
    ['the largest the format can hold', 'zzzzzzzzzz'],
    ['the largest the library accepts', (1e12).toString(36)],
  ])('rotates a generation at %s into a valid, stable state', async (_, generation) => {
    const { app, clock } = tamperedApp((els) => [generation, ...els.split(' ').slice(1)].join(' '));
    const agent = request.agent(app);
    await agent.get('/id');
    await agent.post('/tamper').expect(204);
    clock.advance(31 * MINUTE);
    const rotated = (await agent.get('/id')).body as { id: string };
    const again = (await agent.get('/id')).body as { id: string; info: { isNew: boolean } };
    const third = (await agent.get('/id')).body as { id: string };
    expect(again.id).toBe(rotated.id);
    expect(third.id).toBe(rotated.id);
    expect(again.info.isNew).toBe(false);
  });

  it('never derives an ID that already ended from a malformed or lost state', async () => {
    const { app, clock } = tamperedApp(() => '{malformed}');
    const agent = request.agent(app);
    const seen = new Set<string>();
    seen.add((await agent.get('/id')).body.id as string);
    clock.advance(31 * MINUTE);
    seen.add((await agent.get('/id')).body.id as string); // generation 1; the first ID ended
    await agent.post('/tamper').expect(204);
    const recovered = (await agent.get('/id')).body.id as string;
    expect(seen.has(recovered)).toBe(false);
    expect((await agent.get('/id')).body.id).toBe(recovered);
  });
});

describe('a store that lost the state keeps its data, and never gets an ended ID back', () => {
  it('after an end in this process, a session without state starts at a recovered generation', async () => {
    const store = new MemoryStore();
    const clock = createClock();
    const { app } = buildApp({
      store,
      options: { now: clock.now },
      session: { secret: SECRET },
      routes: (router) => {
        idRoutes(router);
        router.post('/drop-state', (req, res) => {
          delete (req.session as { els?: unknown }).els;
          res.sendStatus(204);
        });
      },
    });
    const agent = request.agent(app);
    const first = (await agent.get('/id')).body.id as string;
    clock.advance(31 * MINUTE); // the first ID ends with idle-timeout
    await agent.get('/id');
    await agent.post('/drop-state').expect(204);
    expect((await agent.get('/id')).body.id).not.toBe(first);
  });
});
