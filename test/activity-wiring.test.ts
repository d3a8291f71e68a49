import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  endSession,
  getSessionId,
  logActivity,
  sessionErrorHandler,
  type ActivityRecord,
  type ActivitySink,
} from '../src/index.js';
import { buildApp } from './helpers/app.js';

/** The simplest sink a user can write: collect batches in memory. */
class MemorySink implements ActivitySink {
  readonly batches: ActivityRecord[][] = [];
  closed = false;
  write(batch: readonly ActivityRecord[]): void {
    this.batches.push([...batch]);
  }
  close(): void {
    this.closed = true;
  }
  get records(): ActivityRecord[] {
    return this.batches.flat();
  }
}

describe('logicalSession({ activity })', () => {
  it('records lifecycle events, logActivity calls and handled errors (no stack), batched, flushed on close()', async () => {
    const sink = new MemorySink();
    const { app, middleware } = buildApp({
      options: { activity: { sinks: sink, batchSize: 50, flushInterval: 60_000 } },
      routes: (router) => {
        router.post('/step', (req, res) => {
          logActivity(req, 'workflow.step', { step: 2 });
          res.json({ id: getSessionId(req) });
        });
        router.get('/fail', () => {
          throw new Error('payment provider timed out\n    at secret.js:1:1');
        });
        router.post('/logout', async (req, res) => {
          await endSession(req, res);
          res.end();
        });
      },
      after: [sessionErrorHandler()],
    });
    const agent = request.agent(app);
    const id = (await agent.post('/step')).body.id as string;
    await agent.get('/fail').expect(500);
    await agent.post('/logout').expect(200);
    expect(sink.records).toEqual([]); // nothing written on the request path
    await middleware.close();
    expect(sink.closed).toBe(true);
    expect(sink.records.map((r) => [r.type, r.sessionId])).toEqual([
      ['session.start', id],
      ['workflow.step', id],
      ['error', id],
      ['session.end', id],
    ]);
    const [start, step, error, end] = sink.records;
    expect(start!.details).toEqual({ reason: 'new' });
    expect(step!.details).toEqual({ step: 2 });
    // Where it happened, never the query string or the stack.
    expect(error!.details).toEqual({ status: 500, message: 'Internal Server Error', method: 'GET', route: '/fail' });
    expect(JSON.stringify(error)).not.toContain('secret.js');
    expect(end!.details).toEqual({ reason: 'logout' });
  });

  it('accepts a bare sink or an array of sinks; a failing sink never fails a request or its sibling', async () => {
    const good = new MemorySink();
    const bad: ActivitySink = { write: () => Promise.reject(new Error('database gone')) };
    const { app, middleware } = buildApp({
      options: { activity: [bad, good] },
      routes: (router) =>
        router.get('/id', (req, res) => {
          logActivity(req, 'view');
          res.json({ id: getSessionId(req) });
        }),
    });
    await request(app).get('/id').expect(200);
    await middleware.close();
    expect(good.records.map((r) => r.type)).toEqual(['session.start', 'view']);
  });
});
