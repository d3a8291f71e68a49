/**
 * When the session store fails, the library counts it, reports it, and lets the request go on;
 * session actions reject with ERR_ELS_STORE_FAILED whatever the store passed as its error.
 */
import session, { MemoryStore } from 'express-session';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { endSession, getSessionId, type LoggerLike, regenerateSessionId, restartSession } from '../src/index.js';
import { warnings } from './helpers/log-capture.js';
import { buildApp, createClock, expressVersions } from './helpers/app.js';

/** MemoryStore whose writes or destroys fail on demand, like a store that lost its connection. */
class FlakyStore extends MemoryStore {
  failSets = false;
  destroyError: unknown = undefined;

  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    if (this.failSets) {
      callback?.(new Error('READONLY replica'));
      return;
    }
    super.set(sid, data, callback);
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    if (this.destroyError !== undefined) {
      callback?.(this.destroyError);
      return;
    }
    super.destroy(sid, callback);
  }
}

describe.each(expressVersions)('session store failures on $name', ({ express }) => {
  it('counts and reports a failed save of a regenerated ID; the request still answers with the new ID', async () => {
    const store = new FlakyStore();
    const { logger, messages } = warnings();
    const { app, middleware } = buildApp({
      express,
      store,
      options: { logger },
      routes: (router) => {
        router.get('/', (req, res) => res.json({ id: getSessionId(req) }));
        router.post('/regenerate', (req, res) => {
          store.failSets = true;
          res.json({ id: regenerateSessionId(req, 'wizard') });
        });
      },
    });
    const agent = request.agent(app);
    const first = (await agent.get('/').expect(200)).body.id as string;
    const second = (await agent.post('/regenerate').expect(200)).body.id as string;
    expect(second).not.toBe(first);
    expect(middleware.stats.storeFailures).toBeGreaterThanOrEqual(1);
    expect(messages).toContain('express-logical-session: saving the regenerated ID failed');
  });

  it('counts a failed lastActivityAt write at the start of a request and still serves it', async () => {
    const store = new FlakyStore();
    const clock = createClock();
    const { logger, messages } = warnings();
    const { app, middleware } = buildApp({
      express,
      store,
      options: { logger, now: clock.now, touchInterval: '1m', idleTimeout: '30m' },
      routes: (router) => router.get('/', (req, res) => res.json({ id: getSessionId(req) })),
    });
    const agent = request.agent(app);
    const id = (await agent.get('/').expect(200)).body.id as string;
    clock.advance(2 * 60_000);
    store.failSets = true;
    expect((await agent.get('/').expect(200)).body.id).toBe(id);
    expect(middleware.stats.storeFailures).toBe(1);
    expect(messages).toContain('express-logical-session: saving the session failed; the request goes on');
  });

  it('rejects restartSession with ERR_ELS_STORE_FAILED and status 503 when the store fails with a non-Error', async () => {
    const store = new FlakyStore();
    const { app } = buildApp({
      express,
      store,
      routes: (router) => {
        router.get('/', (req, res) => res.json({ id: getSessionId(req) }));
        router.post('/restart', (req, res) => {
          store.destroyError = 'connection reset';
          restartSession(req).then(
            () => res.json({ restarted: true }),
            (err: unknown) =>
              res.status(503).json({
                code: (err as { code: string }).code,
                status: (err as { status: number }).status,
                message: (err as Error).message,
                cause: (err as Error).cause,
              }),
          );
        });
      },
    });
    const agent = request.agent(app);
    await agent.get('/').expect(200);
    const { body } = await agent.post('/restart').expect(503);
    expect(body).toEqual({
      code: 'ERR_ELS_STORE_FAILED',
      status: 503,
      message: 'restartSession: the session store failed: unknown error',
      cause: 'connection reset',
    });
  });

  it('counts a logger that throws while reporting a failed hook, and the request goes on', async () => {
    const throwing: LoggerLike = {
      info: () => undefined,
      debug: () => undefined,
      error: () => undefined,
      warn: () => {
        throw new Error('log transport closed');
      },
      child: () => throwing,
    };
    const { app, middleware } = buildApp({
      express,
      options: { logger: throwing, hooks: { onSessionStart: () => Promise.reject(new Error('analytics down')) } },
      routes: (router) => router.get('/', (req, res) => res.json({ id: getSessionId(req) })),
    });
    await request(app).get('/').expect(200);
    await new Promise((resolve) => setImmediate(resolve));
    expect(middleware.stats.hookFailures).toBe(1);
    expect(middleware.stats.loggerFailures).toBeGreaterThanOrEqual(1);
  });
});

describe.each(expressVersions)('endSession cookie clearing on $name', ({ express }) => {
  function logoutApp() {
    return buildApp({
      express,
      routes: (router) => {
        router.get('/', (req, res) => res.json({ id: getSessionId(req) }));
        router.post('/logout', (req, res, next) => {
          endSession(req, res).then(() => res.json({ ended: true }), next);
        });
      },
    }).app;
  }

  it('finds the session cookie among malformed and value-less cookies and clears only it', async () => {
    const app = logoutApp();
    const first = await request(app).get('/').expect(200);
    const sessionCookie = (first.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    const res = await request(app)
      .post('/logout')
      .set('Cookie', `flag; broken=%E0%A4%A; theme=dark; ${sessionCookie}`)
      .expect(200);
    const cleared = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
    expect(cleared).toHaveLength(1);
    expect(cleared[0]).toMatch(/^connect\.sid=;.*Expires=Thu, 01 Jan 1970/);
  });

  it('clears no cookie when the client sent none (a session created by this very request)', async () => {
    const res = await request(logoutApp()).post('/logout').expect(200);
    expect(res.body).toEqual({ ended: true });
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});
