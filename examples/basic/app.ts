// A small app that replaces the hand-written "session ID in logs and error pages" pattern.
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
  restartSession,
  rotateSessionCookie,
  sessionErrorHandler,
  sessionScopedKey,
} from 'express-logical-session';

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

export function createApp(logger: Logger = pino()) {
  const app = express();
  app.use(express.json());
  app.use(
    session({
      secret: process.env.SESSION_SECRET ?? 'change-me-in-production',
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax' },
    }),
  );
  app.use(
    logicalSession({
      idleTimeout: '30m',
      logger,
      exposeHeader: 'X-Session-Id',
      hooks: {
        onSessionStart: (event) => logger.info({ event }, 'a new visit began'),
      },
    }),
  );

  app.get('/', (req, res) => {
    res.json({ sessionId: getSessionId(req), info: getSessionInfo(req), user: req.session.user ?? null });
  });

  app.post('/cart', (req, res) => {
    const { item = 'book' } = req.body as { item?: string };
    req.session.cart = [...(req.session.cart ?? []), item];
    logActivity(req, 'cart.add', { item });
    res.json({ cart: req.session.cart, audit: auditTrail('cart.add'), cacheKey: sessionScopedKey(req, 'cart') });
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

  // Users see { error, sessionId, message } and quote the ID to support; logs carry the same ID.
  app.use(sessionErrorHandler({ logger }));
  return app;
}
