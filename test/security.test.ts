import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pinoHttp } from 'pino-http';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { getSessionId, logActivity, sessionErrorHandler } from '../src/index.js';
import { deriveSessionId } from '../src/core/ids.js';
import { buildApp, CountingStore } from './helpers/app.js';
import { captureLogger } from './helpers/log-capture.js';

const FORGED = '11111111-2222-4333-8444-555555555555';

describe('nothing from the client sets the ID; the cookie ID never leaks', () => {
  it('ignores IDs offered in headers, cookies, query and body', async () => {
    const { app } = buildApp({
      before: [express.json()],
      options: { exposeHeader: 'X-Session-Id' },
      routes: (router) => router.post('/id', (req, res) => res.json({ id: getSessionId(req) })),
    });
    const agent = request.agent(app);
    const real = (await agent.post('/id')).body.id as string;
    const attempts = [
      agent.post('/id').set('X-Session-Id', FORGED),
      agent.post('/id').set('Cookie', `sessionId=${FORGED}; els=${FORGED}`),
      agent.post(`/id?sessionId=${FORGED}&els[id]=${FORGED}`),
      agent.post('/id').send({ sessionId: FORGED, els: { id: FORGED, g: 0, c: 0, a: 0 } }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.body.id).not.toBe(FORGED);
      expect(res.headers['x-session-id']).not.toBe(FORGED);
    }
    expect((await agent.post('/id')).body.id).toBe(real);
  });

  it('derives IDs that reveal nothing of the cookie ID', () => {
    const sid = 'Yb1l3w0Ykq8dIl3yR4uS2s3Z4x5c6v7b';
    const id = deriveSessionId(sid, 0);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deriveSessionId(sid, 0)).toBe(id);
    expect(deriveSessionId(sid, 1)).not.toBe(id);
    // one character of difference in the input changes about half of the output bits
    const other = deriveSessionId(`${sid.slice(0, -1)}c`, 0);
    const differingBits = [...Buffer.from(id.replace(/-/g, ''), 'hex')]
      .map((byte, i) => byte ^ (Buffer.from(other.replace(/-/g, ''), 'hex')[i] ?? 0))
      .reduce((sum, x) => sum + x.toString(2).replace(/0/g, '').length, 0);
    expect(differingBits).toBeGreaterThan(40);
    for (let i = 0; i + 4 <= sid.length; i++) expect(id.toLowerCase()).not.toContain(sid.slice(i, i + 4).toLowerCase());
  });

  it('never puts the raw cookie session ID in logs, response headers or error bodies', async () => {
    const capture = captureLogger('debug');
    const cookieIds = new Set<string>();
    const store = new CountingStore();
    const { app } = buildApp({
      store,
      // pino-http with the cookie header redacted, as the README recommends
      before: [pinoHttp({ logger: capture.logger, redact: ['req.headers.cookie', 'res.headers["set-cookie"]'] })],
      options: {
        logger: capture.logger,
        exposeHeader: true,
        hooks: {
          onActivity: () => {
            throw new Error('sink down');
          },
        },
      },
      routes: (router) => {
        router.get('/work', (req, res) => {
          cookieIds.add(req.sessionID);
          (req as unknown as { log: { info: (o: object, m: string) => void } }).log.info({ path: req.path }, 'working');
          logActivity(req, 'work', { step: 1 });
          res.json({ id: getSessionId(req) });
        });
        router.get('/fail', (req) => {
          cookieIds.add(req.sessionID);
          throw new Error(`database exploded for ${req.sessionID}`);
        });
      },
      after: [sessionErrorHandler()],
    });
    const agent = request.agent(app);
    const responses = [];
    for (const path of ['/work', '/work', '/fail', '/work']) responses.push(await agent.get(path));
    expect(cookieIds.size).toBe(1);
    const [cookieId] = [...cookieIds];
    expect(capture.lines.length).toBeGreaterThan(5);
    for (const line of capture.lines) expect(line).not.toContain(cookieId);
    for (const res of responses) {
      const headers = { ...res.headers };
      delete headers['set-cookie']; // the cookie itself is the one place the credential belongs
      expect(JSON.stringify(headers)).not.toContain(cookieId);
      expect(res.text).not.toContain(cookieId);
    }
    expect(responses[2]!.status).toBe(500);
  });

  it('shrugs off hostile cookie headers: 50,000 cookies, forged and unsigned session cookies, bad %-encoding', async () => {
    const { app } = buildApp({
      options: { exposeHeader: true },
      routes: (router) => router.get('/id', (req, res) => res.json({ id: getSessionId(req) })),
    });
    // Node refuses headers over 16 KB by default; a proxy in front may allow more.
    const server = createServer({ maxHeaderSize: 2 * 1024 * 1024 }, app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const many = Array.from({ length: 50_000 }, (_, i) => `c${i}=${i}`).join('; ');
      const headers = [
        `${many}; connect.sid=s%3Aforged.signature`,
        'connect.sid=unsigned-value',
        'connect.sid=s%3A%E0%A4%A.bad; other=%zz',
        `connect.sid=s:${'x'.repeat(10_000)}.sig`,
      ];
      for (const cookie of headers) {
        const res = await fetch(`http://127.0.0.1:${port}/id`, {
          headers: { cookie },
          signal: AbortSignal.timeout(5000),
        });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { id: string };
        expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(res.headers.get('x-session-id')).toBe(body.id);
        const setCookie = res.headers.get('set-cookie') ?? '';
        const sid = decodeURIComponent(/connect\.sid=s%3A([^.]+)\./.exec(setCookie)?.[1] ?? '');
        expect(sid).not.toBe('');
        expect(JSON.stringify(body)).not.toContain(sid);
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
