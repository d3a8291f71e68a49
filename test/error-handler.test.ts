import express5, { type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import createError from 'http-errors';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { getSessionId, getSessionInfo, sessionErrorHandler, type SessionErrorHandlerOptions } from '../src/index.js';
import { bareRequest, buildApp, CountingStore, expressVersions, FailingReadStore } from './helpers/app.js';
import { captureLogger } from './helpers/log-capture.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(expressVersions)('sessionErrorHandler() on $name', ({ express }) => {
  function app(options?: SessionErrorHandlerOptions, store = new CountingStore()) {
    const capture = captureLogger('info');
    const built = buildApp({
      express,
      store,
      options: { logger: capture.logger },
      routes: (router) => {
        router.get('/id', (req, res) => res.json({ id: getSessionId(req) }));
        router.get('/boom', () => {
          throw new Error('SELECT * FROM secrets failed');
        });
        router.get('/teapot', () => {
          throw createError(418, 'No coffee here');
        });
        router.get('/hidden', () => {
          throw createError(401, 'token signature mismatch', { expose: false });
        });
        router.get('/after-headers', (_req, res, next) => {
          res.write('partial');
          next(new Error('late failure'));
        });
      },
      after: [
        sessionErrorHandler({ logger: capture.logger, ...options }),
        (err: Error, _req, res, _next) => {
          // reached only when sessionErrorHandler hands over
          res.end(`|handed over: ${err.message}`);
        },
      ],
    });
    return { ...built, capture };
  }

  it('answers a thrown error with 500 and { error, sessionId, message }, no thrown message or stack', async () => {
    const { app: server, capture } = app();
    const agent = request.agent(server);
    const id = (await agent.get('/id')).body.id as string;
    const res = await agent.get('/boom').expect(500);
    expect(res.body).toEqual({
      error: 'Internal Server Error',
      sessionId: id,
      message: 'Please contact support with this session ID',
    });
    expect(res.text).not.toContain('SELECT');
    expect(res.text).not.toContain('at ');
    const logged = capture.records().find((r) => r.msg === 'request failed');
    expect(logged).toMatchObject({ sessionId: id, status: 500 });
  });

  it('shows the message of an exposed 4xx and hides an unexposed one', async () => {
    const { app: server } = app();
    const teapot = await request(server).get('/teapot').expect(418);
    expect(teapot.body.error).toBe('No coffee here');
    expect(teapot.body.sessionId).toMatch(UUID);
    const hidden = await request(server).get('/hidden').expect(401);
    expect(hidden.body.error).toBe('Unauthorized');
  });

  it('speaks RFC 9457 problem+json when asked', async () => {
    const { app: server } = app({ format: 'problem', supportMessage: 'Quote this ID to support' });
    const res = await request(server).get('/teapot').expect(418);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'about:blank',
      title: "I'm a Teapot",
      status: 418,
      detail: 'No coffee here',
      message: 'Quote this ID to support',
    });
    expect(res.body.sessionId).toMatch(UUID);
  });

  it('enriches the body through enrich (sync or async), falling back to the default when it throws', async () => {
    const enriched = app({ enrich: (body, { status }) => Promise.resolve({ ...body, ticket: `T-${status}` }) });
    expect((await request(enriched.app).get('/boom')).body).toMatchObject({
      ticket: 'T-500',
      error: 'Internal Server Error',
    });
    const broken = app({
      enrich: () => {
        throw new Error('enricher bug');
      },
    });
    const res = await request(broken.app).get('/boom').expect(500);
    expect(res.body).toMatchObject({
      error: 'Internal Server Error',
      sessionId: expect.stringMatching(UUID) as unknown,
    });
  });

  it('shows thrown messages only with exposeErrors (development)', async () => {
    const { app: server } = app({ exposeErrors: true });
    expect((await request(server).get('/boom')).body.error).toBe('SELECT * FROM secrets failed');
  });

  it('still answers with a request-scoped UUID (503) when the store cannot load the session', async () => {
    const store = new FailingReadStore();
    const { app: server, capture } = app(undefined, store);
    const agent = request.agent(server);
    const id = (await agent.get('/id')).body.id as string;
    store.failing = true;
    const res = await agent.get('/id').expect(503);
    expect(res.body.sessionId).toMatch(UUID);
    expect(res.body.sessionId).not.toBe(id);
    expect(res.body.error).toBe('Service Unavailable');
    const logged = capture.records().find((r) => r.msg === 'request failed');
    expect(logged).toMatchObject({ sessionId: res.body.sessionId, persistent: false, status: 503 });
    store.failing = false;
    expect((await agent.get('/id')).body.id).toBe(id);
  });

  it('hands over to next(err) when headers were already sent', async () => {
    const { app: server } = app();
    const res = await request(server).get('/after-headers');
    expect(res.text).toBe('partial|handed over: late failure');
  });

  it('reports persistent: false through getSessionInfo for a request without a session', () => {
    const req = bareRequest();
    expect(getSessionInfo(req)).toMatchObject({ persistent: false, isNew: true, generation: 0 });
    expect(getSessionId(req)).toBe(getSessionInfo(req).id);
  });
});

describe('sessionErrorHandler() options', () => {
  it('catches app.use(sessionErrorHandler) without the call, with the same help as logicalSession', async () => {
    const app = express5();
    app.use(session({ secret: 'test secret that is long enough', resave: false, saveUninitialized: false }));
    app.use(sessionErrorHandler as unknown as ErrorRequestHandler);
    let caught: unknown;
    app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      caught = err;
      res.sendStatus(500);
    });
    await request(app).get('/');
    expect(caught).toMatchObject({ code: 'ERR_ELS_NOT_CALLED' });
    expect((caught as Error).message).toBe(
      'It appears you have done `app.use(sessionErrorHandler)`, but it should be `app.use(sessionErrorHandler())`.',
    );
  });

  it('rejects bad options at creation with a LogicalSessionError', () => {
    expect(() => sessionErrorHandler({ format: 'xml' as 'json' })).toThrow(
      /option `format` received "xml". Use 'json' or 'problem'/,
    );
    expect(() => sessionErrorHandler({ suportMessage: 'x' } as SessionErrorHandlerOptions)).toThrow(
      /^sessionErrorHandler\(\): unknown option `suportMessage`. Did you mean `supportMessage`\?/,
    );
  });
});
