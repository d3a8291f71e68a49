/**
 * App instances for the registry tests: each has its own registry (as separate deployments would) on one
 * backend, and all share one session store, so a cookie works on every instance. Requests go through
 * supertest with an explicit cookie, spread over the instances by the test.
 */
import http from 'node:http';
import express, { type Express, type Request } from 'express';
import session, { MemoryStore, type Store } from 'express-session';
import request from 'supertest';
import {
  endSession,
  getSessionId,
  logicalSession,
  regenerateSessionId,
  rotateSessionCookie,
  type ActivitySink,
  type LogicalSessionMiddleware,
  type LogicalSessionOptions,
} from '../../../src/index.js';
import { linkUser, revokeOtherSessions, type SessionRegistry } from '../../../src/registry/index.js';
import { createClock } from '../../helpers/app.js';

declare module 'express-session' {
  interface SessionData {
    note?: string;
  }
}

export const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
export const FIREFOX_WIN = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
export const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

export interface Instance {
  readonly app: Express;
  /** The app behind a server that takes headers up to 256 KiB, so a 100 KB User-Agent reaches it. */
  readonly server: http.Server;
  /** The instance's registry (not there on an instance started without one). */
  readonly registry: SessionRegistry;
  readonly middleware: LogicalSessionMiddleware;
  /** Closes the gate: `GET /me?hold=1` waits past the middleware until `open()`. */
  hold(): void;
  open(): void;
  /** Requests waiting at the gate. */
  readonly held: number;
}

export interface FleetSetup {
  /** One instance per registry; `undefined` for an instance without one. */
  registries: readonly (SessionRegistry | undefined)[];
  clock: ReturnType<typeof createClock>;
  logical?: LogicalSessionOptions;
  store?: Store;
  activity?: (index: number) => ActivitySink;
  trustProxy?: boolean;
}

const query = (req: Request, name: string): string => {
  const value = req.query[name];
  return typeof value === 'string' ? value : '';
};

function gate() {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

function buildInstance(
  registry: SessionRegistry | undefined,
  index: number,
  setup: FleetSetup,
  store: Store,
): Instance {
  const app = express();
  if (setup.trustProxy !== false) app.set('trust proxy', true);
  let held = 0;
  let current = gate();
  current.open();
  app.use(session({ store, secret: 'registry tests secret', resave: false, saveUninitialized: false, name: 'sid' }));
  const middleware = logicalSession({
    idleTimeout: '30m',
    ...setup.logical,
    registry,
    now: setup.clock.now,
    activity: setup.activity ? { sinks: [setup.activity(index)], flushInterval: 10 } : undefined,
  });
  app.use(middleware);
  const me = (req: Request) => ({ id: getSessionId(req), note: req.session.note ?? null, instance: index });
  app.get('/me', async (req, res) => {
    if (req.query.hold === '1') {
      held++;
      await current.promise;
      held--;
    }
    res.json(me(req));
  });
  app.post('/note', async (req, res) => {
    if (req.query.hold === '1') {
      held++;
      await current.promise;
      held--;
    }
    req.session.note = query(req, 'value');
    res.json(me(req));
  });
  app.post('/login', async (req, res, next) => {
    try {
      req.session.note = `user ${query(req, 'user')}`;
      res.json({ ...(await linkUser(req, query(req, 'user'))), instance: index });
    } catch (err) {
      next(err);
    }
  });
  app.post('/rotate-cookie', async (req, res) => {
    await rotateSessionCookie(req);
    res.json(me(req));
  });
  app.post('/regenerate', (req, res) => res.json({ id: regenerateSessionId(req) }));
  app.post('/logout', async (req, res) => {
    await endSession(req, res);
    res.json({ ok: true });
  });
  app.post('/others', async (req, res, next) => {
    try {
      res.json({ revoked: await revokeOtherSessions(req) });
    } catch (err) {
      next(err);
    }
  });
  app.use(
    (
      err: { status?: number; code?: string; message: string },
      _req: Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      res.status(err.status ?? 500).json({ code: err.code, message: err.message });
    },
  );
  return {
    app,
    server: http.createServer({ maxHeaderSize: 262_144 }, app),
    registry: registry!,
    middleware,
    hold() {
      current = gate();
    },
    open() {
      current.open();
    },
    get held() {
      return held;
    },
  };
}

export function startFleet(setup: FleetSetup): Instance[] {
  const store = setup.store ?? new MemoryStore();
  return setup.registries.map((registry, index) => buildInstance(registry, index, setup, store));
}

export interface Response {
  status: number;
  body: any;
  cookie: string | undefined;
}

/** A browser: one cookie, one User-Agent, requests to whichever instance the test names. */
export class Browser {
  cookie: string | undefined;

  constructor(
    readonly userAgent = CHROME_MAC,
    readonly ip = '203.0.113.7',
  ) {}

  async send(instance: Instance, method: 'get' | 'post', path: string): Promise<Response> {
    let test = request(instance.server)[method](path).set('User-Agent', this.userAgent).set('X-Forwarded-For', this.ip);
    if (this.cookie !== undefined) test = test.set('Cookie', this.cookie);
    const res = await test;
    const set = (res.headers['set-cookie'] as unknown as string[] | undefined)?.find((line) => line.startsWith('sid='));
    const cookie = set?.split(';', 1)[0];
    if (cookie !== undefined) this.cookie = cookie;
    return { status: res.status, body: res.body, cookie };
  }
}
