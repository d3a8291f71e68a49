/**
 * Guarantee 6 on every failure path (issue 11, "The raw cookie ID in logs"): whatever the library logs
 * about a failure is scrubbed of the express-session cookie ID, also when a hook, a store or the app put
 * it into the message.
 */
import session, { MemoryStore } from 'express-session';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { getSessionId, sessionErrorHandler } from '../../src/index.js';
import { buildApp, createClock, expressVersions } from '../helpers/app.js';
import { captureLogger } from '../helpers/log-capture.js';

/** MemoryStore whose writes fail with the key in the message, as `SET sess:<sid>` errors read. */
class KeyLeakingStore extends MemoryStore {
  failing = false;
  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    if (this.failing) {
      callback?.(new Error(`SET sess:${sid} failed: READONLY`));
      return;
    }
    super.set(sid, data, callback);
  }
}

const idRoutes = (router: import('express').Router) =>
  router.get('/id', (req, res) => res.json({ id: getSessionId(req), sid: req.sessionID }));

describe.each(expressVersions)('no cookie ID in what the library logs on $name', ({ express }) => {
  it('scrubs a hook that throws with req.sessionID in its message', async () => {
    const capture = captureLogger('debug');
    let cookieId = '';
    const { app } = buildApp({
      express,
      options: {
        logger: capture.logger,
        hooks: {
          onSessionStart: (_event, req) => {
            cookieId = req.sessionID;
            throw new Error(`analytics failed for ${req.sessionID}`);
          },
        },
      },
      routes: idRoutes,
    });
    await request(app).get('/id').expect(200);
    expect(cookieId).not.toBe('');
    expect(capture.lines.some((line) => line.includes('analytics failed for [session-cookie-id]'))).toBe(true);
    expect(capture.lines.join('\n')).not.toContain(cookieId);
  });

  it('scrubs a store error holding the key, on the new-session and the touch paths', async () => {
    const capture = captureLogger('debug');
    const store = new KeyLeakingStore();
    const clock = createClock();
    const { app } = buildApp({
      express,
      store,
      options: { logger: capture.logger, now: clock.now },
      routes: idRoutes,
      after: [sessionErrorHandler()],
    });
    const agent = request.agent(app);
    const { sid } = (await agent.get('/id').expect(200)).body as { sid: string };
    store.failing = true;
    clock.advance(2 * 60_000);
    await agent.get('/id').expect(200); // the touch fails
    const res = await request(app).get('/id').expect(503); // the new session cannot be stored
    expect(res.text).not.toContain('sess:');
    const logs = capture.lines.join('\n');
    expect(logs).toContain('SET sess:[session-cookie-id] failed');
    expect(logs).not.toContain(sid);
    expect(capture.records().filter((r) => JSON.stringify(r.err ?? null).includes('READONLY'))).toHaveLength(3);
  });

  it('scrubs a plain-object error passed to next()', async () => {
    const capture = captureLogger('debug');
    let cookieId = '';
    const { app } = buildApp({
      express,
      options: { logger: capture.logger },
      routes: (router) =>
        router.get('/fail', (req, _res, next) => {
          cookieId = req.sessionID;
          next({ status: 500, message: `no cart for ${req.sessionID}` });
        }),
      after: [sessionErrorHandler()],
    });
    const res = await request(app).get('/fail');
    expect(res.status).toBe(500);
    expect(capture.lines.join('\n')).not.toContain(cookieId);
    expect(capture.lines.some((line) => line.includes('no cart for [session-cookie-id]'))).toBe(true);
  });
});
