/**
 * The errors users and support see (issue 12): an HTML page for browsers, a 404 with the ID, the ID in
 * the header of a 503, errors recorded with where they happened (also under a request-scoped ID), the
 * right log level and error type, and no error swallowed when there is no logger.
 */
import createError from 'http-errors';
import { pinoHttp } from 'pino-http';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  getSessionId,
  notFoundHandler,
  sessionErrorHandler,
  type ActivityRecord,
  type ActivitySink,
} from '../src/index.js';
import { buildApp, expressVersions, FailingReadStore } from './helpers/app.js';
import { captureLogger } from './helpers/log-capture.js';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

function collectingSink(): ActivitySink & { records: ActivityRecord[] } {
  const records: ActivityRecord[] = [];
  return { records, write: (batch) => void records.push(...batch) };
}

describe.each(expressVersions)('error pages on $name', ({ express }) => {
  function errorApp(supportMessage?: string) {
    const sink = collectingSink();
    const built = buildApp({
      express,
      options: { exposeHeader: true, activity: { sinks: [sink], flushInterval: 5 } },
      routes: (router) => {
        router.get('/boom/:id', () => {
          throw new Error('SELECT * FROM secrets');
        });
        router.get('/evil', (_req, _res, next) =>
          next(createError(400, '<script>alert(1)</script>', { expose: true })),
        );
      },
      after: [notFoundHandler(), sessionErrorHandler(supportMessage === undefined ? {} : { supportMessage })],
    });
    return { ...built, sink };
  }

  it('gives a browser a small HTML page with the ID and the support message, escaped, with no script', async () => {
    const { app } = errorApp('Quote <this> ID');
    const res = await request(app).get('/boom/42').set('Accept', BROWSER);
    expect(res.status).toBe(500);
    expect(res.type).toBe('text/html');
    const id = res.headers['x-session-id'] as string;
    expect(res.text).toContain(`<code id="session-id">${id}</code>`);
    expect(res.text).toContain('Quote &lt;this&gt; ID');
    expect(res.text).not.toMatch(/<script/i);
    expect(res.text).not.toContain('SELECT');
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
    const rejected = await request(app).get('/evil').set('Accept', BROWSER);
    expect(rejected.status).toBe(400);
    expect(rejected.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(rejected.text).not.toContain('<script>');
  });

  it('keeps JSON for API clients, and problem+json where asked', async () => {
    const { app } = errorApp();
    const json = await request(app).get('/boom/1').set('Accept', 'application/json');
    expect(json.type).toBe('application/json');
    expect(json.body).toMatchObject({ error: 'Internal Server Error', sessionId: json.headers['x-session-id'] });
    const any = await request(app).get('/boom/1').set('Accept', '*/*');
    expect(any.type).toBe('application/json');
  });

  it('answers a 404 with the ID, in the same formats, recorded as activity', async () => {
    const { app, middleware, sink } = errorApp();
    const json = await request(app).get('/nowhere?token=secret');
    expect(json.status).toBe(404);
    expect(json.body).toEqual({
      error: 'Not Found',
      sessionId: json.headers['x-session-id'],
      message: 'Please contact support with this session ID',
    });
    const page = await request(app).get('/nowhere').set('Accept', BROWSER);
    expect(page.status).toBe(404);
    expect(page.text).toContain(page.headers['x-session-id'] as string);
    await middleware.close();
    const notFound = sink.records.filter((r) => r.type === 'error');
    expect(notFound[0]?.details).toEqual({ status: 404, message: 'Not Found', method: 'GET', route: '/nowhere' });
  });

  it('records method, route pattern (no query string) and the pino-http request ID with each error', async () => {
    const sink = collectingSink();
    const { app, middleware } = buildApp({
      express,
      before: [pinoHttp({ logger: captureLogger('fatal').logger, genReqId: () => 'req-7', autoLogging: false })],
      options: { activity: { sinks: [sink], flushInterval: 5 } },
      routes: (router) =>
        router.get('/orders/:orderId', () => {
          throw new Error('boom');
        }),
      after: [sessionErrorHandler()],
    });
    await request(app).get('/orders/9?coupon=ABC');
    await middleware.close();
    expect(sink.records.find((r) => r.type === 'error')?.details).toEqual({
      status: 500,
      message: 'Internal Server Error',
      method: 'GET',
      route: '/orders/:orderId',
      requestId: 'req-7',
    });
  });

  it('logs 5xx at error with the stack and 4xx at warn without it, with the error class as type', async () => {
    const capture = captureLogger('info');
    const { app } = buildApp({
      express,
      options: { logger: capture.logger },
      routes: (router) => {
        router.get('/server', () => {
          throw new SyntaxError('bad template');
        });
        router.get('/client', (_req, _res, next) => next(createError(400, 'bad input')));
      },
      after: [sessionErrorHandler()],
    });
    await request(app).get('/server');
    await request(app).get('/client');
    const [failed] = capture.records().filter((r) => r.msg === 'request failed');
    const [rejected] = capture.records().filter((r) => r.msg === 'request rejected');
    expect(failed).toMatchObject({ level: 50, err: { type: 'SyntaxError', message: 'bad template' } });
    expect((failed!.err as { stack?: string }).stack).toContain('SyntaxError: bad template');
    expect(rejected).toMatchObject({ level: 40, err: { type: 'BadRequestError', message: 'bad input' } });
    expect((rejected!.err as { stack?: string }).stack ?? '').toBe(''); // pino writes '' for an error without one
  });
});

describe.each(expressVersions)('while the session store is down, on $name', ({ express }) => {
  it('sends the request-scoped ID in exposeHeader (and to CORS), and records the error under it', async () => {
    const store = new FailingReadStore();
    const sink = collectingSink();
    const { app, middleware } = buildApp({
      express,
      store,
      options: { exposeHeader: 'X-Session-Id', corsExposeHeader: true, activity: { sinks: [sink], flushInterval: 5 } },
      routes: (router) => router.get('/id', (req, res) => res.json({ id: getSessionId(req) })),
      after: [sessionErrorHandler()],
    });
    const agent = request.agent(app);
    await agent.get('/id');
    store.failing = true;
    const down = await agent.get('/id');
    expect(down.status).toBe(503);
    expect(down.headers['x-session-id']).toBe(down.body.sessionId);
    expect(down.headers['access-control-expose-headers']).toBe('X-Session-Id');
    await middleware.close();
    expect(sink.records.find((r) => r.type === 'error')).toMatchObject({
      sessionId: down.body.sessionId,
      details: { status: 503, method: 'GET', route: '/id' },
    });
  });

  it('lists the header for CORS beside what a CORS middleware exposed', async () => {
    const { app } = buildApp({
      express,
      before: [
        (_req, res, next) => {
          res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id');
          next();
        },
      ],
      options: { exposeHeader: true, corsExposeHeader: true },
      routes: (router) => router.get('/id', (req, res) => res.json({ id: getSessionId(req) })),
    });
    const res = await request(app).get('/id');
    expect(res.headers['access-control-expose-headers']).toBe('X-Request-Id, X-Session-Id');
  });
});

describe('without a logger', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('reports 5xx errors to console.error, as Express does, scrubbed; quiet when the env is test', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const lines: unknown[][] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args));
    let cookieId = '';
    const { app } = buildApp({
      routes: (router) => {
        router.get('/boom', (req) => {
          cookieId = req.sessionID;
          throw new Error(`no secret for ${req.sessionID}`);
        });
        router.get('/client', (_req, _res, next) => next(createError(404)));
      },
      after: [sessionErrorHandler()],
    });
    app.set('env', 'production');
    await request(app).get('/boom').expect(500);
    await request(app).get('/client').expect(404);
    expect(lines).toHaveLength(1);
    const text = lines[0]!.map(String).join(' ');
    expect(text).toContain('request failed');
    expect(text).toContain('no secret for [session-cookie-id]');
    expect(text).not.toContain(cookieId);
    app.set('env', 'test');
    await request(app).get('/boom').expect(500);
    expect(lines).toHaveLength(1);
  });
});

describe('the quick start without SESSION_SECRET', () => {
  afterEach(() => vi.restoreAllMocks());

  it('says why every request fails', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    const { app } = buildApp({ session: { secret: undefined as unknown as string }, after: [sessionErrorHandler()] });
    app.set('env', 'development');
    const res = await request(app).get('/');
    expect(res.status).toBe(500);
    expect(lines.join('\n')).toContain('secret option required for sessions');
  });
});

describe('notFoundHandler() options', () => {
  it('are checked like sessionErrorHandler()’s, and the factory must be called', () => {
    expect(() => notFoundHandler({ format: 'xml' as 'json' })).toThrow(
      /^notFoundHandler\(\): option `format` received "xml"/,
    );
    expect(() => notFoundHandler({ exposeHeader: 'Content-Length' })).toThrow(/That header is reserved/);
  });
});
