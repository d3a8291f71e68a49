/**
 * Passport 0.7 (real passport-local): the registry keys everything by the logical ID, so whatever passport does
 * to the cookie session, the entry follows the logical session the app linked after `req.login`.
 */
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import request from 'supertest';
import { expect, it } from 'vitest';

import { getSessionId, logicalSession } from '../../src/index.js';
import { linkUser, memoryRegistry } from '../../src/registry/index.js';

it('links the session passport logged in, keeps it on the next requests, and drops it at logout', async () => {
  const registry = memoryRegistry({ sweepInterval: false });
  const authenticator = new passport.Passport();
  authenticator.use(
    new LocalStrategy((username, password, done) => done(null, password === 'pw' ? { id: username } : false)),
  );
  authenticator.serializeUser((user: Express.User, done) => done(null, (user as { id: string }).id));
  authenticator.deserializeUser((id: string, done) => done(null, { id }));
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(session({ secret: 'passport test secret', resave: false, saveUninitialized: false }));
  app.use(logicalSession({ registry }));
  app.use(authenticator.session());
  app.post('/login', authenticator.authenticate('local'), async (req, res) => {
    res.json(await linkUser(req, (req.user as { id: string }).id));
  });
  app.get('/me', (req, res) =>
    res.json({ id: getSessionId(req), user: (req.user as { id: string } | undefined)?.id ?? null }),
  );
  app.post('/logout', (req, res, next) => req.logout((err) => (err ? next(err) : res.json({ ok: true }))));

  const agent = request.agent(app);
  await agent.get('/me');
  const login = await agent.post('/login').type('form').send({ username: 'alice', password: 'pw' });
  expect(login.status).toBe(200);
  const linked = login.body.sessionId as string;
  expect((await agent.get('/me')).body).toEqual({ id: linked, user: 'alice' });
  expect((await registry.list('alice')).map((entry) => entry.sessionId)).toEqual([linked]);
  await agent.post('/logout');
  const after = await agent.get('/me');
  expect(after.body.user).toBeNull();
  expect(after.body.id).not.toBe(linked);
  await expect.poll(() => registry.list('alice')).toEqual([]);
});
