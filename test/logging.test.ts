import { pinoHttp } from 'pino-http';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { getSessionId, logActivity, sessionScopedKey, type ActivityRecord } from '../src/index.js';
import { buildApp, createClock, expressVersions } from './helpers/app.js';
import { captureLogger } from './helpers/log-capture.js';
import { pinoActivitySink } from '../src/activity/index.js';

type Logged = Record<string, unknown>;

describe.each(expressVersions)('logging and hooks on $name', ({ express }) => {
  it('logs lifecycle at info with sessionId, previousId and reason, and reuse at debug', async () => {
    const clock = createClock();
    const capture = captureLogger('debug');
    const { app } = buildApp({
      express,
      options: { logger: capture.logger, now: clock.now },
      routes: (r) => r.get('/id', (req, res) => res.json({ id: getSessionId(req) })),
    });
    const agent = request.agent(app);
    const first = (await agent.get('/id')).body.id as string;
    await agent.get('/id');
    clock.advance(31 * 60_000);
    const second = (await agent.get('/id')).body.id as string;
    const records = capture.records();
    const info = records.filter((r) => r.level === 30).map((r) => [r.msg, r.sessionId, r.reason, r.previousId]);
    expect(info).toEqual([
      ['session.start', first, 'new', undefined],
      ['session.end', first, 'idle-timeout', undefined],
      ['session.start', second, 'idle-timeout', first],
    ]);
    expect(records.filter((r) => r.msg === 'session.reuse')).toEqual([
      expect.objectContaining({ level: 20, sessionId: first }),
    ]);
  });

  it("binds req.log to the ID, with pino-http's req.log as parent", async () => {
    const capture = captureLogger('info');
    const { app } = buildApp({
      express,
      before: [pinoHttp({ logger: capture.logger, genReqId: () => 'req-42', autoLogging: false })],
      options: { logger: capture.logger },
      routes: (router) =>
        router.get('/work', (req, res) => {
          (req as unknown as { log: { info(o: object, m: string): void } }).log.info({ step: 'one' }, 'doing work');
          res.json({ id: getSessionId(req) });
        }),
    });
    const res = await request(app).get('/work');
    const line = capture.records().find((r: Logged) => r.msg === 'doing work');
    expect(line).toMatchObject({ sessionId: res.body.id, step: 'one' });
    expect((line?.req as Logged | undefined)?.id).toBe('req-42');
  });

  it('sends logActivity to onActivity and the logger; bad calls never throw', async () => {
    const capture = captureLogger('info');
    const seen: ActivityRecord[] = [];
    const { app } = buildApp({
      express,
      options: { logger: capture.logger, hooks: { onActivity: (a) => void seen.push(a) } },
      routes: (router) =>
        router.post('/upload', (req, res) => {
          logActivity(req, 'upload', { file: 'a.pdf' });
          logActivity(req, '');
          logActivity(req, 42 as unknown as string);
          res.json({ id: getSessionId(req), key: sessionScopedKey(req, 'uploads') });
        }),
    });
    const res = await request(app).post('/upload').expect(200);
    expect(res.body.key).toBe(`${res.body.id}:uploads`);
    expect(seen.map((a) => a.type)).toEqual(['session.start', 'upload']);
    expect(seen[1]).toMatchObject({ sessionId: res.body.id, details: { file: 'a.pdf' } });
    expect(seen[1]!.eventId).not.toBe(seen[0]!.eventId);
    expect(capture.records().filter((r) => r.msg === 'activity')).toEqual([
      expect.objectContaining({
        sessionId: res.body.id,
        activity: expect.objectContaining({ type: 'upload', details: { file: 'a.pdf' } }),
      }),
    ]);
    expect(
      capture.records().filter((r) => /logActivity needs a non-empty string type/.test(String(r.msg))),
    ).toHaveLength(2);
  });

  it('writes one activity line per logActivity, in one shape, with the logger and a pino sink on it', async () => {
    const capture = captureLogger('info');
    const { app, middleware } = buildApp({
      express,
      options: { logger: capture.logger, activity: { sinks: [pinoActivitySink(capture.logger)], flushInterval: 5 } },
      routes: (router) =>
        router.post('/upload', (req, res) => {
          logActivity(req, 'upload', { file: 'a.pdf' });
          res.sendStatus(204);
        }),
    });
    await request(app).post('/upload').expect(204);
    await middleware.close();
    const lines = capture.records().filter((r) => r.msg === 'activity');
    const uploads = lines.filter((r) => (r.activity as { type?: string }).type === 'upload');
    expect(uploads).toHaveLength(1);
    expect(lines.every((r) => typeof r.activity === 'object')).toBe(true);
  });

  it('never fails or delays a request for a throwing, rejecting or hanging hook; failures are logged and counted', async () => {
    const capture = captureLogger('info');
    const { app, middleware } = buildApp({
      express,
      options: {
        logger: capture.logger,
        hooks: {
          onSessionStart: () => new Promise<void>(() => undefined), // never settles
          onSessionEnd: () => undefined,
          onActivity: () => Promise.reject(new Error('sink unreachable')),
        },
      },
      routes: (router) =>
        router.get('/id', (req, res) => {
          logActivity(req, 'view');
          res.json({ id: getSessionId(req) });
        }),
    });
    const started = Date.now();
    const res = await request(app).get('/id').expect(200);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(res.body.id).toBeTruthy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(middleware.stats.hookFailures).toBe(2);
    const failures = capture.records().filter((r) => r.msg === 'express-logical-session: hook onActivity failed');
    expect(failures).toHaveLength(2);
    expect((failures[0]?.err as Logged | undefined)?.message).toBe('sink unreachable');
  });

  it('survives a logger that throws', async () => {
    const capture = captureLogger('debug');
    const broken = Object.assign(Object.create(capture.logger) as typeof capture.logger, {
      info: () => {
        throw new Error('disk full');
      },
    });
    const { app, middleware } = buildApp({
      express,
      options: { logger: broken },
      routes: (r) => r.get('/id', (req, res) => res.json({ id: getSessionId(req) })),
    });
    await request(app).get('/id').expect(200);
    expect(middleware.stats.loggerFailures).toBeGreaterThan(0);
  });
});
