import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTick } from 'node:timers/promises';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { currentSessionId, getSessionId } from '../src/index.js';
import { buildApp, delay, expressVersions } from './helpers/app.js';

const servers: import('node:http').Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

describe.each(expressVersions)('currentSessionId() isolation on $name', ({ express }) => {
  it.each(['before', 'after'] as const)(
    "50 sessions x 4 parallel requests, express.json() mounted %s logicalSession(), timers and I/O: never another request's ID",
    async (bodyParser) => {
      const json = express.json();
      const mismatches: string[] = [];
      const check = (req: import('express').Request, where: string) => {
        const current = currentSessionId();
        if (current !== getSessionId(req)) mismatches.push(`${where}: ${String(current)} vs ${getSessionId(req)}`);
      };
      const { app } = buildApp({
        express,
        before: bodyParser === 'before' ? [json] : [],
        routes: (router) => {
          if (bodyParser === 'after') router.use(json);
          router.post('/work', async (req, res) => {
            check(req, 'entry');
            await delay(Math.random() * 20);
            check(req, 'timer');
            await readFile(new URL(import.meta.url));
            check(req, 'fs');
            await nextTick();
            await Promise.all([delay(Math.random() * 5), Promise.resolve()]);
            check(req, 'promise');
            res.json({ id: getSessionId(req), current: currentSessionId(), echo: (req.body as { n: number }).n });
          });
        },
      });
      const server = app.listen(0);
      servers.push(server);
      const port = (server.address() as AddressInfo).port;
      const agents = Array.from({ length: 50 }, () => request.agent(`http://127.0.0.1:${port}`));
      const firstIds = await Promise.all(
        agents.map(async (agent) => (await agent.post('/work').send({ n: -1 })).body.id as string),
      );
      const results = await Promise.all(
        agents.flatMap((agent, i) =>
          Array.from({ length: 4 }, async (_, n) => {
            await delay(Math.random() * 10);
            const res = await agent.post('/work').send({ n });
            return { i, n, body: res.body as { id: string; current: string; echo: number } };
          }),
        ),
      );
      expect(mismatches).toEqual([]);
      expect(new Set(firstIds).size).toBe(50);
      for (const { i, n, body } of results) {
        expect(body.id).toBe(firstIds[i]);
        expect(body.current).toBe(body.id);
        expect(body.echo).toBe(n);
      }
    },
  );

  it('keeps the context when the body arrives in slow chunks after the middleware ran', async () => {
    const seen: (string | undefined)[] = [];
    const { app } = buildApp({
      express,
      routes: (router) => {
        router.use(express.json());
        router.post('/slow-upload', (req, res) => {
          seen.push(currentSessionId());
          res.json({ id: getSessionId(req), current: currentSessionId() });
        });
        // A raw stream consumer (as multipart parsers are): its 'end' listener must see the context too.
        router.post('/slow-stream', (req, res) => {
          req.resume();
          req.on('end', () => {
            seen.push(currentSessionId());
            res.json({ id: getSessionId(req), current: currentSessionId() });
          });
        });
      },
    });
    const server = app.listen(0);
    servers.push(server);
    const port = (server.address() as AddressInfo).port;
    const bodies = await Promise.all(
      Array.from(
        { length: 20 },
        (_, n) =>
          new Promise<{ id: string; current?: string }>((resolve, reject) => {
            const body = JSON.stringify({ n, padding: 'x'.repeat(1000) });
            const path = n % 2 === 0 ? '/slow-upload' : '/slow-stream';
            const req = http.request(
              {
                port,
                method: 'POST',
                path,
                headers: {
                  'content-type': n % 2 === 0 ? 'application/json' : 'application/octet-stream',
                  'content-length': Buffer.byteLength(body),
                },
              },
              (res) => {
                let text = '';
                res.setEncoding('utf8');
                res.on('data', (chunk: string) => (text += chunk));
                res.on('end', () => resolve(JSON.parse(text) as { id: string; current?: string }));
              },
            );
            req.on('error', reject);
            req.write(body.slice(0, 10));
            setTimeout(() => req.end(body.slice(10)), 50 + n * 5);
          }),
      ),
    );
    for (const body of bodies) expect(body.current).toBe(body.id);
    expect(seen.every((id) => id !== undefined)).toBe(true);
  });

  it('runs no AsyncLocalStorage context with asyncContext: false; getSessionId still works', async () => {
    const { app } = buildApp({
      express,
      options: { asyncContext: false },
      routes: (router) =>
        router.get('/id', (req, res) => res.json({ id: getSessionId(req), current: currentSessionId() ?? null })),
    });
    const res = await request(app).get('/id').expect(200);
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.current).toBeNull();
  });

  it('returns undefined outside a request', () => {
    expect(currentSessionId()).toBeUndefined();
  });
});
