import express5 from 'express';
import express4 from 'express4';
import session, { MemoryStore, type SessionOptions, type Store } from 'express-session';
import type { ErrorRequestHandler, Express, Request, RequestHandler, Router } from 'express';
import {
  currentSessionId,
  getSessionId,
  getSessionInfo,
  logicalSession,
  type LogicalSessionMiddleware,
  type LogicalSessionOptions,
} from '../../src/index.js';

/** Both supported Express majors, for `describe.each`. */
export const expressVersions = [
  { name: 'express 4', express: express4 },
  { name: 'express 5', express: express5 },
] as const;

export type ExpressFactory = typeof express5;

/** A hand-driven clock for `now`. */
export function createClock(start = Date.UTC(2026, 0, 1)) {
  let time = start;
  return {
    now: () => time,
    advance(ms: number) {
      time += ms;
    },
  };
}

/** MemoryStore that counts the writes the issue asks about. */
export class CountingStore extends MemoryStore {
  sets = 0;
  touches = 0;

  /**
   * `latency` ms on every read, like a networked store: the data is read at call time and
   * delivered later, so the requests of a burst all load the same stored copy.
   */
  constructor(private readonly latency = 0) {
    super();
  }

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    if (this.latency === 0) {
      super.get(sid, callback);
      return;
    }
    super.get(sid, (err, data) => setTimeout(() => callback(err, data), this.latency));
  }
  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    this.sets++;
    super.set(sid, data, callback);
  }
  override touch(sid: string, data: session.SessionData, callback?: () => void): void {
    this.touches++;
    super.touch(sid, data, callback);
  }
  /** The raw stored session data of one session, parsed. */
  read(sid: string): Record<string, unknown> | undefined {
    const raw = (this as unknown as { sessions: Record<string, string | undefined> }).sessions[sid];
    return raw === undefined ? undefined : (JSON.parse(raw) as Record<string, unknown>);
  }
  sessionIds(): string[] {
    return Object.keys((this as unknown as { sessions: Record<string, string> }).sessions);
  }
}

/** A store whose reads fail once `failing` is set, as a store that is down does. */
export class FailingReadStore extends CountingStore {
  failing = false;
  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    if (this.failing) {
      callback(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
      return;
    }
    super.get(sid, callback);
  }
}

export interface AppSetup {
  express?: ExpressFactory;
  options?: LogicalSessionOptions;
  session?: Partial<SessionOptions>;
  store?: Store;
  /** Middleware mounted before session() (e.g. a body parser or pino-http). */
  before?: RequestHandler[];
  /** Routes mounted after logicalSession(). */
  routes?: (router: Router) => void;
  /** Middleware mounted last: a not-found handler, error handlers. */
  after?: (ErrorRequestHandler | RequestHandler)[];
  /** Leave express-session out (misconfiguration tests). */
  withoutSession?: boolean;
}

export const SECRET = 'test secret that is long enough';

/** An app with express-session, logicalSession() and the given routes. */
export function buildApp(setup: AppSetup = {}): { app: Express; store: Store; middleware: LogicalSessionMiddleware } {
  const app = (setup.express ?? express5)();
  const store = setup.store ?? new CountingStore();
  for (const handler of setup.before ?? []) app.use(handler);
  if (setup.withoutSession !== true) {
    app.use(session({ secret: SECRET, resave: false, saveUninitialized: false, store, ...setup.session }));
  }
  const middleware = logicalSession(setup.options);
  app.use(middleware);
  const router = (setup.express ?? express5).Router();
  setup.routes?.(router);
  app.use(router);
  for (const handler of setup.after ?? []) app.use(handler);
  return { app, store, middleware };
}

/** A stand-in for a request that never went through any middleware. */
export function bareRequest(): Request {
  return { headers: {} } as unknown as Request;
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends a supertest request now (supertest only sends when awaited) and returns its response promise. */
export function send<T extends PromiseLike<unknown>>(test: T): Promise<Awaited<T>> {
  return Promise.resolve(test);
}

/**
 * The routes most tests share: `GET /id` (the ID, the info and the ALS view), `GET /slow-read` (a
 * read-only request that takes 300 ms), `POST /cart?item=` and `GET /cart` (app data in the session),
 * `GET /untouched`.
 */
export function idRoutes(router: Router): void {
  router.get('/id', (req, res) => {
    res.json({ id: getSessionId(req), info: getSessionInfo(req), current: currentSessionId() });
  });
  router.get('/slow-read', async (req, res) => {
    await delay(300);
    res.json({ id: getSessionId(req) });
  });
  router.post('/cart', (req, res) => {
    (req.session as unknown as { cart: string }).cart = req.query.item as string;
    res.json({ id: getSessionId(req) });
  });
  router.get('/cart', (req, res) => {
    res.json({ cart: (req.session as unknown as { cart?: string }).cart ?? null });
  });
  router.get('/untouched', (_req, res) => {
    res.send('ok');
  });
}
