/**
 * The `registry` option: a module that hears the lifecycle, can end a session on its next request, and
 * can end sessions that never come back. The registry of express-logical-session/registry is one.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  getSessionId,
  logicalSession,
  type ActivityRecord,
  type LogicalSessionModule,
  type ModuleCore,
  type SessionEndEvent,
} from '../src/index.js';
import { buildApp, CountingStore, createClock, delay, expressVersions } from './helpers/app.js';

declare module 'express-session' {
  interface SessionData {
    secret?: string;
  }
}

function routes(router: import('express').Router) {
  router.get('/id', (req, res) => res.json({ id: getSessionId(req), secret: req.session.secret ?? null }));
  router.post('/secret', (req, res) => {
    req.session.secret = 'kept';
    res.json({ id: getSessionId(req) });
  });
  router.post('/slow-write', async (req, res) => {
    await delay(150);
    req.session.secret = 'written late';
    res.json({ id: getSessionId(req) });
  });
}

describe.each(expressVersions)('a registry module on $name', ({ express }) => {
  it('ends a session it names on the next request: end(revoked), new cookie, new anonymous session', async () => {
    const revoked = new Set<string>();
    const ends: SessionEndEvent[] = [];
    const registry: LogicalSessionModule = {
      name: 'test-registry',
      endReason: (id) => (revoked.has(id) ? 'revoked' : undefined),
    };
    const store = new CountingStore();
    const { app } = buildApp({
      express,
      store,
      options: { registry, hooks: { onSessionEnd: (event) => void ends.push(event) } },
      routes,
    });
    const agent = request.agent(app);
    const first = await agent.post('/secret');
    const id = first.body.id as string;
    const oldCookie = first.headers['set-cookie']![0]!.split(';')[0]!;
    revoked.add(id);
    const after = await agent.get('/id');
    expect(after.body.id).not.toBe(id);
    expect(after.body.secret).toBeNull();
    expect(after.headers['set-cookie']![0]).not.toContain(oldCookie);
    expect(ends).toEqual([expect.objectContaining({ sessionId: id, reason: 'revoked' })]);
    // The old cookie brings nothing back.
    const replay = await request(app).get('/id').set('Cookie', oldCookie);
    expect(replay.body.secret).toBeNull();
    expect(ends).toHaveLength(1);
  });

  it('is not undone by a request still in flight that saves the old session', async () => {
    const revoked = new Set<string>();
    const registry: LogicalSessionModule = {
      name: 'test-registry',
      endReason: (id) => (revoked.has(id) ? 'revoked' : undefined),
    };
    const { app } = buildApp({ express, options: { registry }, routes });
    const first = await request(app).post('/secret');
    const id = first.body.id as string;
    const cookie = first.headers['set-cookie']![0]!.split(';')[0]!;
    const inFlight = Promise.resolve(request(app).post('/slow-write').set('Cookie', cookie));
    await delay(30);
    revoked.add(id);
    await inFlight; // saves the old session again when it ends
    const next = await request(app).get('/id').set('Cookie', cookie);
    expect(next.body.id).not.toBe(id);
    expect(next.body.secret).toBeNull();
  });

  it('hears the lifecycle after the hooks, and can end a session with no request (req undefined)', async () => {
    const order: string[] = [];
    const records: ActivityRecord[] = [];
    let core: ModuleCore | undefined;
    const clock = createClock();
    const registry: LogicalSessionModule = {
      name: 'test-registry',
      listener: { name: 'test-registry', start: () => void order.push('registry start') },
      attach: (given) => {
        core = given;
      },
    };
    const ends: [SessionEndEvent, unknown][] = [];
    const { app } = buildApp({
      express,
      options: {
        registry,
        now: clock.now,
        idleTimeout: '10m',
        hooks: {
          onSessionStart: () => void order.push('hook start'),
          onSessionEnd: (event, req) => void ends.push([event, req]),
          onActivity: (record) => void records.push(record),
        },
      },
      routes,
    });
    const id = (await request(app).get('/id')).body.id as string;
    expect(order).toEqual(['hook start', 'registry start']);
    expect(core).toMatchObject({ idleTimeout: 600_000, absoluteTimeout: false, touchInterval: 60_000 });
    expect(core!.now()).toBe(clock.now());
    core!.endSession(id, 'expired', clock.now());
    core!.endSession(id, 'expired', clock.now()); // once per process
    expect(ends).toEqual([[expect.objectContaining({ sessionId: id, reason: 'expired' }), undefined]]);
    expect(records.filter((r) => r.type === 'session.end')).toEqual([
      expect.objectContaining({ sessionId: id, details: { reason: 'expired' } }),
    ]);
    core!.recordActivity(id, 'session.signal', { signal: 'new-device' });
    expect(records.at(-1)).toMatchObject({ sessionId: id, type: 'session.signal', details: { signal: 'new-device' } });
  });
});

describe('the registry option', () => {
  it.each([
    ['a string', 'redis'],
    ['no name', { endReason: () => undefined }],
    ['a non-function endReason', { name: 'x', endReason: 'revoked' }],
    ['a non-object listener', { name: 'x', listener: 42 }],
  ])('refuses %s, naming the option and the fix', (_, value) => {
    expect(() => logicalSession({ registry: value as never })).toThrow(
      /logicalSession\(\): option `registry` received .*\. Pass a registry from 'express-logical-session\/registry'/,
    );
  });
});
