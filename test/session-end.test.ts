/**
 * A session.end tells when the session really ended and what continued it: an idle timeout ends at its
 * deadline, not at the request that noticed it days later, and a rotation's end names the next ID.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { getSessionId, logActivity, type ActivityRecord, type SessionEndEvent } from '../src/index.js';
import { buildApp, createClock } from './helpers/app.js';

const MINUTE = 60_000;

describe('session.end', () => {
  it('of an idle timeout is stamped at the deadline and names the ID that continues the session', async () => {
    const clock = createClock();
    const ends: SessionEndEvent[] = [];
    const records: ActivityRecord[] = [];
    const { app } = buildApp({
      options: {
        now: clock.now,
        idleTimeout: '30m',
        hooks: { onSessionEnd: (event) => void ends.push(event), onActivity: (record) => void records.push(record) },
      },
      routes: (router) => router.get('/id', (req, res) => res.json({ id: getSessionId(req) })),
    });
    const agent = request.agent(app);
    const first = (await agent.get('/id')).body.id as string;
    const lastSeen = clock.now();
    clock.advance(3 * 24 * 60 * MINUTE); // back three days later
    const second = (await agent.get('/id')).body.id as string;
    expect(ends).toEqual([
      expect.objectContaining({ sessionId: first, reason: 'idle-timeout', at: lastSeen + 30 * MINUTE, nextId: second }),
    ]);
    const end = records.find((r) => r.type === 'session.end');
    expect(end).toMatchObject({ at: lastSeen + 30 * MINUTE, details: { reason: 'idle-timeout', nextId: second } });
  });

  it('of a policy rotation is stamped now', async () => {
    const clock = createClock();
    const ends: SessionEndEvent[] = [];
    const { app } = buildApp({
      options: {
        now: clock.now,
        hooks: {
          onSessionEnd: (event) => void ends.push(event),
          shouldRegenerate: (_info, req) => (req.path === '/rotate' ? 'policy' : false),
        },
      },
      routes: (router) => router.get('/:any', (req, res) => res.json({ id: getSessionId(req) })),
    });
    const agent = request.agent(app);
    await agent.get('/id');
    clock.advance(5 * MINUTE);
    await agent.get('/rotate');
    expect(ends[0]).toMatchObject({ reason: 'policy', at: clock.now() });
  });
});

describe('logActivity on a request logicalSession() did not see', () => {
  it('still reaches the sinks of the app’s middleware, under a request-scoped ID', async () => {
    const records: ActivityRecord[] = [];
    const { app, middleware } = buildApp({
      before: [
        (req, _res, next) => {
          if (req.path === '/early') logActivity(req, 'early.event', { ok: true });
          next();
        },
      ],
      options: { activity: { sinks: [{ write: (batch) => void records.push(...batch) }], flushInterval: 5 } },
    });
    await request(app).get('/early');
    await middleware.close();
    expect(records.filter((r) => r.type === 'early.event')).toHaveLength(1);
  });
});
