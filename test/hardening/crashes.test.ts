/**
 * Faults that used to crash the process (issue 11, "Crashes"): an error handler whose send throws,
 * a store that calls back twice, a hook whose promise comes from another realm.
 */
import { runInNewContext } from 'node:vm';
import session, { MemoryStore } from 'express-session';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getSessionId, sessionErrorHandler } from '../../src/index.js';
import { buildApp, expressVersions } from '../helpers/app.js';
import { warnings } from '../helpers/log-capture.js';

/** Collects what would otherwise crash the process, so a test can assert there was none. */
function processFaults() {
  const faults: unknown[] = [];
  const record = (err: unknown) => void faults.push(err);
  beforeEach(() => {
    faults.length = 0;
    process.on('unhandledRejection', record);
    process.on('uncaughtException', record);
  });
  afterEach(() => {
    process.off('unhandledRejection', record);
    process.off('uncaughtException', record);
  });
  return faults;
}

/** MemoryStore whose `set` throws synchronously once armed, like a store with a bug. */
class ThrowingSetStore extends MemoryStore {
  armed = false;
  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    if (this.armed) throw new Error(`SET sess:${sid} exploded`);
    super.set(sid, data, callback);
  }
}

/** MemoryStore whose `set` calls back twice. */
class DoubleCallbackStore extends MemoryStore {
  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    super.set(sid, data, (err) => {
      callback?.(err);
      setImmediate(() => callback?.(err));
    });
  }
}

function circular(): Record<string, unknown> {
  const body: Record<string, unknown> = { error: 'x' };
  body.self = body;
  return body;
}

describe.each(expressVersions)('no crash on $name', ({ express }) => {
  const faults = processFaults();

  it.each([
    ['a circular body', circular],
    ['a BigInt', () => ({ error: 'x', big: 10n })],
    [
      'a throwing toJSON',
      () => ({
        toJSON() {
          throw new Error('no JSON for you');
        },
      }),
    ],
  ])('answers the default body when enrichError returns %s', async (_, enriched) => {
    const { logger, messages } = warnings();
    const { app } = buildApp({
      express,
      options: { logger },
      routes: (router) =>
        router.get('/boom', () => {
          throw new Error('boom');
        }),
      after: [sessionErrorHandler({ enrich: enriched })],
    });
    const res = await request(app).get('/boom').timeout(3000);
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ error: 'Internal Server Error', sessionId: expect.any(String) });
    expect(messages.some((m) => m.includes('could not be sent'))).toBe(true);
    expect(faults).toEqual([]);
  });

  it("answers when the store's set throws inside express-session's end-of-response save", async () => {
    const store = new ThrowingSetStore();
    const { app, middleware } = buildApp({
      express,
      store,
      routes: (router) => {
        router.get('/id', (req, res) => res.json({ id: getSessionId(req) }));
        router.get('/boom', (req, _res, next) => {
          (req.session as unknown as { visits: number }).visits = 1;
          store.armed = true;
          next(new Error('boom'));
        });
      },
      after: [sessionErrorHandler()],
    });
    const agent = request.agent(app);
    const id = (await agent.get('/id')).body.id as string;
    const res = await agent.get('/boom').timeout(3000);
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ sessionId: id });
    expect(middleware.stats.storeFailures).toBe(1);
    expect(faults).toEqual([]);
  });

  it('answers 503 for a new visitor and goes on for a touch when set throws during the early save', async () => {
    const store = new ThrowingSetStore();
    let now = Date.UTC(2026, 0, 1);
    const { app, middleware } = buildApp({
      express,
      store,
      options: { now: () => now },
      routes: (router) => router.get('/id', (req, res) => res.json({ id: getSessionId(req) })),
      after: [sessionErrorHandler()],
    });
    const agent = request.agent(app);
    const id = (await agent.get('/id')).body.id as string;
    store.armed = true;
    now += 2 * 60_000; // past touchInterval: this request writes lastActivityAt first
    const touched = await agent.get('/id').timeout(3000);
    expect(touched.status).toBe(200);
    expect(touched.body.id).toBe(id);
    const fresh = await request(app).get('/id').timeout(3000);
    expect(fresh.status).toBe(503);
    expect(fresh.body.sessionId).toEqual(expect.any(String));
    expect(middleware.stats.storeFailures).toBe(2);
    expect(faults).toEqual([]);
  });

  it('survives a store whose set calls back twice, with exposeHeader on', async () => {
    const { app } = buildApp({
      express,
      store: new DoubleCallbackStore(),
      options: { exposeHeader: true },
      routes: (router) => router.get('/id', (req, res) => res.json({ id: getSessionId(req) })),
    });
    for (let i = 0; i < 5; i++) {
      const res = await request(app).get('/id').timeout(3000);
      expect(res.status).toBe(200);
      expect(res.headers['x-session-id']).toBe(res.body.id);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(faults).toEqual([]);
  });

  it('counts a hook that rejects with a promise from another realm', async () => {
    const { logger, messages } = warnings();
    const foreignRejection = () => runInNewContext('Promise.reject(new Error("from a vm"))') as Promise<void>;
    const { app, middleware } = buildApp({
      express,
      options: { logger, hooks: { onSessionStart: foreignRejection, shouldRegenerate: foreignRejection as never } },
      routes: (router) => router.get('/id', (req, res) => res.json({ id: getSessionId(req) })),
    });
    const agent = request.agent(app);
    expect((await agent.get('/id')).status).toBe(200);
    expect((await agent.get('/id')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(middleware.stats.hookFailures).toBe(2);
    expect(messages).toContain('express-logical-session: hook onSessionStart failed');
    expect(faults).toEqual([]);
  });
});
