/**
 * One app instance as a user would deploy it: express-session on connect-redis with the
 * fail-fast client, then logicalSession(), a few routes, and sessionErrorHandler(). Test-only
 * routes under /__test let the harness read hook calls and move the injected clock, the same
 * way for in-process servers and for child processes.
 */
import express, { type Express, type Request } from 'express';
import session from 'express-session';
import { RedisStore } from 'connect-redis';
import {
  getSessionId,
  getSessionInfo,
  logicalSession,
  rotateSessionCookie,
  sessionErrorHandler,
  type LogicalSessionOptions,
  type SessionEndEvent,
  type SessionStartEvent,
} from '../../../src/index.js';
import { TimeBoundRedisStore } from '../../../examples/redis/redis.js';
import type { AppRedisClient } from './client-options.js';

/** JSON-safe options, so the same config reaches child processes through the environment. */
export interface InstanceConfig {
  name: string;
  prefix: string;
  secret: string;
  logical: Pick<LogicalSessionOptions, 'idleTimeout' | 'absoluteTimeout' | 'touchInterval' | 'persist'>;
  /** Deadline on each store operation (TimeBoundRedisStore), or `false` for plain connect-redis. */
  storeTimeoutMs: number | false;
}

export interface HookLog {
  starts: SessionStartEvent[];
  ends: SessionEndEvent[];
}

export interface BuiltApp {
  app: Express;
  hooks: HookLog;
  /** Moves this instance's clock; all instances of a test are moved together. */
  setClockOffset(ms: number): void;
}

declare module 'express-session' {
  interface SessionData {
    notes?: Record<string, string>;
  }
}

interface Gate {
  promise: Promise<void>;
  open(): void;
}

function closedGate(): Gate {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

function openGate(): Gate {
  const gate = closedGate();
  gate.open();
  return gate;
}

function snapshot(req: Request): Record<string, unknown> {
  return { id: getSessionId(req), info: getSessionInfo(req), notes: req.session.notes ?? {} };
}

export interface BuildOptions {
  /** Extra fields for GET /__test/health (open sockets, heap), filled in by whoever owns the server. */
  health?: () => Promise<Record<string, unknown>>;
}

export function buildApp(client: AppRedisClient, config: InstanceConfig, options: BuildOptions = {}): BuiltApp {
  const hooks: HookLog = { starts: [], ends: [] };
  let offset = 0;
  let inflight = 0;
  let gate = openGate();
  const app = express();
  app.disable('x-powered-by');
  // Control routes come before session(): they must not create sessions or fire hooks.
  app.get('/__test/hooks', (_req, res) => {
    res.json(hooks);
  });
  app.post('/__test/clock', (req, res) => {
    offset = Number(req.query.offset ?? 0);
    res.json({ offset });
  });
  app.post('/__test/gate', (req, res) => {
    if (req.query.open === '1') gate.open();
    else gate = closedGate();
    res.json({ inflight });
  });
  app.get('/__test/health', async (_req, res) => {
    res.json({ pid: process.pid, inflight, ...(await (options.health?.() ?? {})) });
  });

  app.use(
    session({
      store:
        config.storeTimeoutMs === false
          ? new RedisStore({ client, prefix: config.prefix })
          : new TimeBoundRedisStore({ client, prefix: config.prefix, timeoutMs: config.storeTimeoutMs }),
      secret: config.secret,
      name: 'sid',
      resave: false,
      saveUninitialized: false,
    }),
  );
  app.use(
    logicalSession({
      ...config.logical,
      now: () => Date.now() + offset,
      hooks: {
        onSessionStart: (event) => void hooks.starts.push({ ...event }),
        onSessionEnd: (event) => void hooks.ends.push({ ...event }),
      },
    }),
  );

  // `?hold=1` keeps a read-only request open, past every session middleware, until the test
  // opens the gate (POST /__test/gate?open=1), so writes on other instances land meanwhile.
  app.get('/whoami', async (req, res) => {
    if (req.query.hold === '1') {
      inflight += 1;
      await gate.promise;
      inflight -= 1;
    }
    res.json({ instance: config.name, ...snapshot(req) });
  });
  // Writes app data into the session (a normal express-session write at the end of the request).
  app.post('/notes/:key', (req, res) => {
    req.session.notes = {
      ...req.session.notes,
      [req.params.key]: typeof req.query.value === 'string' ? req.query.value : '',
    };
    res.json({ instance: config.name, ...snapshot(req) });
  });
  app.post('/rotate', async (req, res) => {
    await rotateSessionCookie(req);
    res.json({ instance: config.name, ...snapshot(req) });
  });

  app.use(sessionErrorHandler());
  return {
    app,
    hooks,
    setClockOffset(ms) {
      offset = ms;
    },
  };
}
