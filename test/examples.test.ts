import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../examples/basic/app.js';

describe('examples/basic', () => {
  it('runs the documented flow: ID, activity, login keeps the ID, error page quotes it, logout', async () => {
    const quiet = pino({ level: 'silent' }, new Writable({ write: (_c, _e, done) => done() }));
    const { app, close } = createApp({ logger: quiet, database: ':memory:' });
    const agent = request.agent(app);
    const home = await agent.get('/').expect(200);
    const id = home.body.sessionId as string;
    expect(home.headers['x-session-id']).toBe(id);
    const cart = await agent.post('/cart').send({ item: 'lamp' }).expect(200);
    expect(cart.body).toMatchObject({ cart: ['lamp'], cacheKey: `${id}:cart` });
    expect(cart.body.audit).toContain(`session=${id}`);
    const login = await agent.post('/login').send({ user: 'grace' }).expect(200);
    expect(login.body).toEqual({ sessionId: id, user: 'grace' });
    const boom = await agent.get('/boom').expect(500);
    expect(boom.body).toEqual({
      error: 'Internal Server Error',
      sessionId: id,
      message: 'Please contact support with this session ID',
    });
    // A malformed body and an unknown route answer with the visitor's own ID.
    const malformed = await agent.post('/cart').set('Content-Type', 'application/json').send('{"item":').expect(400);
    expect(malformed.body.sessionId).toBe(id);
    const missing = await agent.get('/nowhere').expect(404);
    expect(missing.body).toMatchObject({ error: 'Not Found', sessionId: id });
    const page = await agent.get('/boom').set('Accept', 'text/html').expect(500);
    expect(page.text).toContain(id);
    const restarted = await agent.post('/start-over').expect(200);
    expect(restarted.body.sessionId).not.toBe(id);
    await agent.post('/logout').expect(200);
    expect((await agent.get('/').expect(200)).body.user).toBeNull();
    await close();
  });
});
