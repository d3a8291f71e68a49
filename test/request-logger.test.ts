/**
 * req.log is a child bound with the logical ID; a logger whose child() fails, or a req.log set
 * later (pino-http mounted after logicalSession()), must not break the request or lose the binding.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { LoggerLike } from '../src/index.js';
import { buildApp, expressVersions } from './helpers/app.js';

interface Line {
  logger: string;
  bindings: Record<string, unknown>;
  msg: string | undefined;
}

function fakeLogger(
  name: string,
  lines: Line[],
  bindings: Record<string, unknown> = {},
  childThrows = false,
): LoggerLike {
  const write = (obj: object, msg?: string): void =>
    void lines.push({ logger: name, bindings: { ...bindings, ...obj }, msg });
  return {
    info: write,
    debug: () => undefined,
    warn: write,
    error: write,
    child(more) {
      if (childThrows) throw new Error('child() is broken');
      return fakeLogger(name, lines, { ...bindings, ...more });
    },
  };
}

describe.each(expressVersions)('req.log on $name', ({ express }) => {
  it('falls back to the parent logger when child() throws, and the request still succeeds', async () => {
    const lines: Line[] = [];
    const { app } = buildApp({
      express,
      options: { logger: fakeLogger('app', lines, {}, true) },
      routes: (router) =>
        router.get('/', (req, res) => {
          (req as unknown as { log: LoggerLike }).log.info({ step: 'handler' }, 'hello');
          res.sendStatus(204);
        }),
    });
    await request(app).get('/').expect(204);
    expect(lines).toContainEqual({ logger: 'app', bindings: { step: 'handler' }, msg: 'hello' });
  });

  it('re-parents on a logger assigned to req.log later, keeps the sessionId binding, and ignores non-loggers', async () => {
    const lines: Line[] = [];
    const { app } = buildApp({
      express,
      options: { logger: fakeLogger('app', lines) },
      routes: (router) =>
        router.get('/', (req, res) => {
          const withLog = req as unknown as { log: unknown };
          withLog.log = fakeLogger('http', lines, { reqId: 7 });
          withLog.log = 'not a logger';
          (withLog.log as LoggerLike).info({}, 'after');
          res.json({ id: (req as unknown as { sessionID: string }).sessionID === '' ? null : 'ok' });
        }),
    });
    await request(app).get('/').expect(200);
    const after = lines.find((line) => line.msg === 'after');
    expect(after?.logger).toBe('http');
    expect(after?.bindings).toMatchObject({ reqId: 7, sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });
});
