// One instance of an app whose sessions live in Redis. Run several: they share every session.
import express from 'express';
import session from 'express-session';
import { pino, type Logger } from 'pino';
import {
  endSession,
  getSessionId,
  getSessionInfo,
  logicalSession,
  rotateSessionCookie,
  sessionErrorHandler,
} from 'express-logical-session';
import { TimeBoundRedisStore, type SessionRedisClient } from './redis.js';

declare module 'express-session' {
  interface SessionData {
    user?: string;
  }
}

export interface RedisAppOptions {
  client: SessionRedisClient;
  /** Shows in every response, so you can see which instance answered. */
  instance: string;
  /** Key prefix in Redis. Defaults to `'sess:'`. */
  prefix?: string;
  logger?: Logger;
}

export function createApp({ client, instance, prefix = 'sess:', logger = pino() }: RedisAppOptions) {
  const app = express();
  app.use((_req, res, next) => {
    res.setHeader('X-Instance', instance);
    next();
  });
  app.use(
    session({
      store: new TimeBoundRedisStore({ client, prefix, timeoutMs: 1_000 }),
      // Every instance must share the secret, or they reject each other's cookies.
      secret: process.env.SESSION_SECRET ?? 'change-me-in-production',
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax' },
    }),
  );
  app.use(logicalSession({ idleTimeout: '30m', touchInterval: '1m', logger, exposeHeader: 'X-Session-Id' }));

  app.get('/', (req, res) => {
    res.json({ instance, sessionId: getSessionId(req), info: getSessionInfo(req), user: req.session.user ?? null });
  });

  app.post('/login', async (req, res) => {
    // A new cookie on every instance at once (the old one is deleted from Redis), same logical ID.
    await rotateSessionCookie(req);
    req.session.user = typeof req.query.user === 'string' ? req.query.user : 'ada';
    res.json({ instance, sessionId: getSessionId(req), user: req.session.user });
  });

  app.post('/logout', async (req, res) => {
    await endSession(req, res);
    res.json({ instance, loggedOut: true });
  });

  app.get('/boom', () => {
    throw new Error('something broke');
  });

  // Also answers 503 with a request-scoped ID when Redis cannot be reached.
  app.use(sessionErrorHandler());
  return app;
}
