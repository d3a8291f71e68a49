import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  endSession,
  getSessionId,
  getSessionInfo,
  regenerateSessionId,
  restartSession,
  rotateSessionCookie,
  type SessionEndEvent,
  type SessionStartEvent,
} from '../src/index.js';
import { bareRequest, buildApp, CountingStore, expressVersions } from './helpers/app.js';

type Data = { cart?: string; user?: string };

function cookieOf(res: request.Response): string {
  return res.headers['set-cookie']![0]!.split(';')[0]!;
}

describe.each(expressVersions)('session actions on $name', ({ express }) => {
  function setup() {
    const starts: SessionStartEvent[] = [];
    const ends: SessionEndEvent[] = [];
    const store = new CountingStore();
    const { app } = buildApp({
      express,
      store,
      options: {
        exposeHeader: true,
        hooks: { onSessionStart: (e) => void starts.push(e), onSessionEnd: (e) => void ends.push(e) },
      },
      routes: (router) => {
        const data = (req: import('express').Request) => req.session as unknown as Data;
        router.get('/state', (req, res) =>
          res.json({
            id: getSessionId(req),
            info: getSessionInfo(req),
            data: { cart: data(req).cart, user: data(req).user },
          }),
        );
        router.post('/cart', (req, res) => {
          data(req).cart = 'book';
          res.json({ id: getSessionId(req) });
        });
        router.post('/regenerate', (req, res) => res.json({ id: regenerateSessionId(req, 'wizard') }));
        router.post('/restart', async (req, res) => res.json({ id: await restartSession(req) }));
        router.post('/login', async (req, res) => {
          await rotateSessionCookie(req);
          data(req).user = 'ada';
          res.json({ id: getSessionId(req) });
        });
        router.post('/logout', async (req, res) => {
          await endSession(req, res);
          res.json({ id: getSessionId(req) });
        });
      },
    });
    return { app, store, starts, ends };
  }

  it('regenerateSessionId: new ID, data kept, end(old) and start(new, previousId)', async () => {
    const { app, starts, ends } = setup();
    const agent = request.agent(app);
    const first = (await agent.post('/cart')).body.id as string;
    const regenerated = await agent.post('/regenerate');
    expect(regenerated.body.id).not.toBe(first);
    expect(regenerated.headers['x-session-id']).toBe(regenerated.body.id);
    const state = await agent.get('/state');
    expect(state.body).toMatchObject({
      id: regenerated.body.id,
      data: { cart: 'book' },
      info: { previousId: first, generation: 1 },
    });
    expect(ends).toEqual([expect.objectContaining({ sessionId: first, reason: 'wizard' })]);
    expect(starts.at(-1)).toMatchObject({ sessionId: regenerated.body.id, previousId: first, reason: 'wizard' });
  });

  it('restartSession: new cookie, empty data, new ID', async () => {
    const { app, starts, ends } = setup();
    const agent = request.agent(app);
    const cart = await agent.post('/cart');
    const restarted = await agent.post('/restart');
    expect(cookieOf(restarted)).not.toBe(cookieOf(cart));
    expect(restarted.body.id).not.toBe(cart.body.id);
    const state = await agent.get('/state');
    expect(state.body).toMatchObject({ id: restarted.body.id, data: {}, info: { previousId: cart.body.id } });
    expect(state.body.data.cart).toBeUndefined();
    expect(ends).toEqual([expect.objectContaining({ sessionId: cart.body.id, reason: 'restart' })]);
    expect(starts.at(-1)).toMatchObject({ sessionId: restarted.body.id, reason: 'restart' });
  });

  it('rotateSessionCookie: new cookie, data and ID kept, the old cookie no longer works', async () => {
    const { app, ends } = setup();
    const agent = request.agent(app);
    const cart = await agent.post('/cart');
    const oldCookie = cookieOf(cart);
    const login = await agent.post('/login');
    expect(cookieOf(login)).not.toBe(oldCookie);
    expect(login.body.id).toBe(cart.body.id);
    const state = await agent.get('/state');
    expect(state.body).toMatchObject({ id: cart.body.id, data: { cart: 'book', user: 'ada' } });
    const stale = await request(app).get('/state').set('Cookie', oldCookie);
    expect(stale.body.id).not.toBe(cart.body.id);
    expect(stale.body.data).toEqual({});
    expect(ends).toEqual([]);
  });

  it('endSession: fires end(logout), destroys the stored session and clears the cookie', async () => {
    const { app, store, ends } = setup();
    const agent = request.agent(app);
    const cart = await agent.post('/cart');
    expect(store.sessionIds()).toHaveLength(1);
    const logout = await agent.post('/logout');
    expect(logout.body.id).toBe(cart.body.id);
    expect(store.sessionIds()).toHaveLength(0);
    const cleared = logout.headers['set-cookie']![0]!;
    expect(cleared).toMatch(/^connect\.sid=;/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(ends).toEqual([expect.objectContaining({ sessionId: cart.body.id, reason: 'logout' })]);
    const after = await request(app).get('/state').set('Cookie', cookieOf(cart));
    expect(after.body.id).not.toBe(cart.body.id);
  });

  it('rejects the async actions with ERR_ELS_NO_SESSION when there is no usable session', async () => {
    const fake = bareRequest();
    await expect(restartSession(fake)).rejects.toMatchObject({ code: 'ERR_ELS_NO_SESSION' });
    await expect(rotateSessionCookie(fake)).rejects.toMatchObject({ code: 'ERR_ELS_NO_SESSION' });
    await expect(endSession(fake)).rejects.toMatchObject({ code: 'ERR_ELS_NO_SESSION' });
    const before = getSessionId(fake);
    expect(regenerateSessionId(fake)).not.toBe(before);
    expect(getSessionInfo(fake).persistent).toBe(false);
  });
});
