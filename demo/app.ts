// The demo shop: every piece of express-logical-session in one small app. See demo/README in the
// project README ("Try the demo").
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import session, { type Store } from 'express-session';
import multer from 'multer';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Logger } from 'pino';
import {
  getSessionId,
  logActivity,
  logicalSession,
  notFoundHandler,
  sessionErrorHandler,
  sessionScopedPath,
} from 'express-logical-session';
import type { SqlActivityStore } from 'express-logical-session/activity';
import { linkUser, revokeOtherSessions, type SessionRegistry } from 'express-logical-session/registry';
import { supportRouter } from 'express-logical-session/support';
import { escape, page } from './pages.js';
import { DEMO_USERS, findUser, type DemoUser } from './users.js';

declare module 'express-session' {
  interface SessionData {
    address?: string;
  }
}

/** What the demo runs on: SQLite files (the default) or Redis (with REDIS_URL). */
export interface DemoBackend {
  /** Said in the demo's first line. */
  readonly description: string;
  readonly store: Store;
  readonly registry: SessionRegistry;
  readonly activity: SqlActivityStore;
  close(): Promise<void>;
}

export interface DemoOptions {
  readonly backend: DemoBackend;
  /** Where uploads go, one folder per logical session. */
  readonly dataDir: string;
  readonly logger: Logger;
  readonly secret?: string;
}

const userOf = (req: Request): DemoUser | undefined => req.user as DemoUser | undefined;

function show(req: Request, res: Response, title: string, body: string, notice?: string): void {
  res.type('html').send(page(title, { sessionId: getSessionId(req), user: userOf(req), notice }, body));
}

function asyncRoute(route: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    route(req, res).catch(next);
  };
}

function passportFor(): InstanceType<typeof Passport> {
  const passport = new Passport();
  passport.use(
    new LocalStrategy((username, password, done) => {
      const user = findUser(username);
      done(null, user && user.password === password ? user : false);
    }),
  );
  passport.serializeUser((user, done) => done(null, (user as DemoUser).id));
  passport.deserializeUser((id, done) => done(null, findUser(id) ?? false));
  return passport;
}

const PRODUCTS: Record<string, string> = { lamp: 'A desk lamp', kettle: 'A kettle', chair: 'A reading chair' };

export function createDemoApp({ backend, dataDir, logger, secret = 'demo secret, not for production' }: DemoOptions) {
  const { store, registry, activity } = backend;
  const passport = passportFor();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 1024 * 1024, files: 1 } });
  const sessions = logicalSession({
    logger,
    exposeHeader: 'X-Session-Id',
    // Written to the activity file within 200 ms, so the support console is up to date at once.
    activity: { sinks: [activity], flushInterval: 200 },
    registry,
    idleTimeout: '30m',
  });

  const app = express();
  app.disable('x-powered-by');
  app.get('/favicon.ico', (_req, res) => res.sendStatus(204)); // not a page: no session, no timeline entry
  app.use(
    session({ store, secret, resave: false, saveUninitialized: false, cookie: { sameSite: 'lax', httpOnly: true } }),
  );
  app.use(sessions);
  app.use(passport.session() as RequestHandler);
  app.use(express.urlencoded({ extended: false, limit: '16kb' }));

  app.get('/', (req, res) => {
    logActivity(req, 'page.view', { page: 'home' });
    const products = Object.entries(PRODUCTS)
      .map(([id, name]) => `<li><a href="/shop/${escape(id)}">${escape(name)}</a></li>`)
      .join('');
    show(
      req,
      res,
      'Welcome',
      `<div class="card"><p>Browse, check out, upload a file, sign in, then break something: every step is
      recorded under the ID at the bottom of the page, and the support console shows the whole visit.</p>
      <ul>${products}</ul>
      <form method="post" action="/boom"><button class="danger">Break something</button></form></div>`,
    );
  });

  app.get('/shop/:item', (req, res) => {
    const item = req.params.item;
    logActivity(req, 'page.view', { page: 'product', item });
    show(req, res, PRODUCTS[item] ?? `No such product: ${item}`, `<p class="card"><a href="/checkout">Buy it</a></p>`);
  });

  // A two-step workflow: each step is one activity of the same logical session.
  app.get('/checkout', (req, res) => {
    show(
      req,
      res,
      'Checkout, step 1 of 2',
      `<form class="card" method="post" action="/checkout/address"><label>Address
      <input name="address" value="${escape(req.session.address ?? '')}" required></label> <button>Next</button></form>`,
    );
  });
  app.post('/checkout/address', (req, res) => {
    const { address } = req.body as { address?: unknown };
    req.session.address = typeof address === 'string' ? address.slice(0, 200) : '';
    logActivity(req, 'checkout.step', { step: 1, address: req.session.address });
    res.redirect(303, '/checkout/confirm');
  });
  app.get('/checkout/confirm', (req, res) => {
    show(
      req,
      res,
      'Checkout, step 2 of 2',
      `<form class="card" method="post" action="/checkout/confirm"><p>Ship to ${escape(req.session.address ?? '?')}?</p>
      <button>Place the order</button></form>`,
    );
  });
  app.post('/checkout/confirm', (req, res) => {
    logActivity(req, 'checkout.step', { step: 2, done: true });
    show(req, res, 'Thank you', '<p class="card">Your order is on its way.</p>', 'Order placed.');
  });

  // An upload into this session's own folder; sessionScopedPath refuses names that would leave it.
  app.get('/upload', (req, res) => {
    show(
      req,
      res,
      'Upload a file',
      `<form class="card" method="post" action="/upload" enctype="multipart/form-data">
      <input type="file" name="file" required> <button>Upload</button></form>`,
    );
  });
  app.post(
    '/upload',
    upload.single('file'),
    asyncRoute(async (req, res) => {
      const file = req.file;
      if (!file) {
        res.redirect(303, '/upload');
        return;
      }
      const name = file.originalname.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'upload';
      const target = sessionScopedPath(req, join(dataDir, 'uploads'), name);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.buffer);
      logActivity(req, 'upload', { file: file.originalname, bytes: file.size });
      show(
        req,
        res,
        'Uploaded',
        `<p class="card">Stored as <code>${escape(name)}</code> in this session's folder.</p>`,
      );
    }),
  );

  app.get('/login', (req, res) => {
    const failed = req.query.failed === '1' ? '<p class="notice">Wrong name or password.</p>' : '';
    const hint = DEMO_USERS.map(
      (user) => `<code>${escape(user.id)}</code> / <code>${escape(user.password)}</code>`,
    ).join(', ');
    show(
      req,
      res,
      'Sign in',
      `${failed}<form class="card" method="post" action="/login"><label>Name <input name="username" required></label>
      <label>Password <input name="password" type="password" required></label> <button>Sign in</button>
      <p>Demo accounts: ${hint}</p></form>`,
    );
  });
  app.post(
    '/login',
    passport.authenticate('local', { failureRedirect: '/login?failed=1' }) as RequestHandler,
    asyncRoute(async (req, res) => {
      // passport's req.login kept the logical ID: the anonymous visit and this login are one session.
      const user = userOf(req);
      if (!user) throw new Error('passport.authenticate let the request through without a user');
      const { signals } = await linkUser(req, user.id);
      logActivity(req, 'login', { user: user.id, signals: signals.map((signal) => signal.type) });
      res.redirect(303, user.role === 'support' ? '/support/' : '/devices');
    }),
  );
  app.post('/logout', (req, res, next) => {
    req.logout((err) => (err ? next(err) : res.redirect(303, '/')));
  });

  // "Where am I signed in", and sign out everywhere else.
  app.get(
    '/devices',
    asyncRoute(async (req, res) => {
      const user = userOf(req);
      if (!user) {
        res.redirect(303, '/login');
        return;
      }
      const current = getSessionId(req);
      const rows = (await registry.list(user.id))
        .map(
          (
            entry,
          ) => `<tr><td>${escape(entry.device.browser ?? 'a browser')} on ${escape(entry.device.os ?? 'an unknown system')}
          (${escape(entry.device.type)})</td><td>${escape(entry.ipPrefix)}</td>
          <td>${escape(new Date(entry.lastActivityAt).toISOString())}</td>
          <td>${entry.sessionId === current ? '<strong>this device</strong>' : ''}</td></tr>`,
        )
        .join('');
      show(
        req,
        res,
        'Your devices',
        `<div class="card"><table><tr><th>Device</th><th>Network</th><th>Last active</th><th></th></tr>${rows}</table>
        <form method="post" action="/devices/sign-out-others"><button class="danger">Sign out everywhere else</button></form></div>`,
      );
    }),
  );
  app.post(
    '/devices/sign-out-others',
    asyncRoute(async (req, res) => {
      const count = userOf(req) ? await revokeOtherSessions(req) : 0;
      logActivity(req, 'devices.sign-out-others', { count });
      res.redirect(303, '/devices');
    }),
  );

  app.post('/boom', () => {
    throw new Error('The demo broke on purpose');
  });

  app.use(
    '/support',
    supportRouter({
      activity,
      registry,
      authorize: (req) => userOf(req)?.role === 'support',
      idleTimeout: '30m',
    }),
  );

  app.use(notFoundHandler());
  app.use(sessionErrorHandler({ supportMessage: 'Something went wrong. Quote this session ID to support' }));

  const close = async (): Promise<void> => {
    await sessions.close();
    await backend.close();
  };
  return { app, close };
}
