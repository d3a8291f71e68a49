// A small app that replaces the hand-written "session ID in logs and error pages" pattern. Sessions and the
// activity log live in one SQLite file, so users, their logical IDs and their timelines survive a restart.
import express from 'express';
import session from 'express-session';
import { pino, type Logger } from 'pino';
import {
  currentSessionId,
  endSession,
  getSessionId,
  getSessionInfo,
  logActivity,
  logicalSession,
  notFoundHandler,
  restartSession,
  rotateSessionCookie,
  sessionErrorHandler,
  sessionScopedKey,
} from 'express-logical-session';
import { SqlActivityStore } from 'express-logical-session/activity';
import { SqliteSessionStore } from 'express-logical-session/sqlite-store';

declare module 'express-session' {
  interface SessionData {
    user?: string;
    cart?: string[];
  }
}

/** Deep code reads the ID without a `req`. */
function auditTrail(action: string): string {
  return `${new Date().toISOString()} session=${currentSessionId() ?? '-'} ${action}`;
}

export interface ExampleOptions {
  logger?: Logger;
  /** The SQLite file for sessions and activity (`SESSION_DB`, default `var/sessions.db`), or `':memory:'`. */
  database?: string;
}

export function createApp({
  logger = pino(),
  database = process.env.SESSION_DB ?? 'var/sessions.db',
}: ExampleOptions = {}) {
  const store = new SqliteSessionStore({ path: database });
  const activity = new SqlActivityStore({ sqlite: database });
  const app = express();
  app.use(
    session({
      store,
      secret: process.env.SESSION_SECRET ?? 'change-me-in-production',
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax' },
    }),
  );
  const sessions = logicalSession({
    idleTimeout: '30m',
    logger,
    exposeHeader: 'X-Session-Id',
    activity,
    hooks: {
      onSessionStart: (event) => logger.info({ event }, 'a new visit began'),
    },
  });
  app.use(sessions);
  // Body parsers after the session middlewares: a malformed body then gets a 400 that carries the
  // visitor's own logical ID, not a one-request ID.
  app.use(express.json());

  app.get('/', (req, res) => {
    res.json({ sessionId: getSessionId(req), info: getSessionInfo(req), user: req.session.user ?? null });
  });

  app.post('/cart', (req, res) => {
    const { item = 'book' } = req.body as { item?: string };
    req.session.cart = [...(req.session.cart ?? []), item];
    logActivity(req, 'cart.add', { item });
    res.json({ cart: req.session.cart, audit: auditTrail('cart.add'), cacheKey: sessionScopedKey(req, 'cart') });
  });

  // What support sees for this session: its activity timeline, oldest first.
  app.get('/activity', async (req, res) => {
    res.json(await activity.timeline(getSessionId(req)));
  });

  app.post('/login', async (req, res) => {
    // Session-fixation defence: new cookie, same data, same logical session ID.
    await rotateSessionCookie(req);
    req.session.user = (req.body as { user?: string }).user ?? 'ada';
    res.json({ sessionId: getSessionId(req), user: req.session.user });
  });

  app.post('/start-over', async (req, res) => {
    res.json({ sessionId: await restartSession(req) });
  });

  app.post('/logout', async (req, res) => {
    await endSession(req, res);
    res.json({ loggedOut: true });
  });

  app.get('/boom', () => {
    throw new Error('the database is on fire');
  });

  // A 404 and every error carry the ID: browsers get a small page, API clients
  // { error, sessionId, message }; users quote the ID to support, and the logs carry the same ID.
  app.use(notFoundHandler());
  app.use(sessionErrorHandler({ logger }));
  // Shutdown: write the activity still buffered, then close the session file.
  const close = async (): Promise<void> => {
    await sessions.close();
    await store.close();
  };
  return { app, close };
}
