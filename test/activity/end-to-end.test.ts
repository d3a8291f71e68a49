import { join } from 'node:path';
import request from 'supertest';
import { afterAll, expect, it } from 'vitest';
import { SqlActivityStore } from '../../src/activity/sql-store.js';
import { logActivity, sessionErrorHandler } from '../../src/index.js';
import { buildApp } from '../helpers/app.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
afterAll(() => dir.remove());

it('answers "what happened in session X?" from a SQLite file filled by logicalSession({ activity })', async () => {
  const store = new SqlActivityStore({ sqlite: join(dir.path, 'activity.db') });
  const { app, middleware } = buildApp({
    options: { activity: store, exposeHeader: 'X-Session-Id' },
    routes: (router) => {
      router.post('/upload', (req, res) => {
        logActivity(req, 'upload', { file: 'invoice.pdf', bytes: 52_000 });
        res.sendStatus(201);
      });
      router.post('/checkout/:step', (req, res) => {
        logActivity(req, 'workflow.step', { workflow: 'checkout', step: req.params.step });
        res.sendStatus(204);
      });
      router.get('/pay', () => {
        throw new Error('card processor timed out');
      });
    },
    after: [sessionErrorHandler()],
  });
  const agent = request.agent(app);
  const sessionId = (await agent.post('/upload').expect(201)).headers['x-session-id'] as string;
  await agent.post('/checkout/address').expect(204);
  await agent.post('/checkout/payment').expect(204);
  const failed = await agent.get('/pay').expect(500);
  expect(failed.body.sessionId).toBe(sessionId);
  await middleware.close();

  const reader = new SqlActivityStore({ sqlite: join(dir.path, 'activity.db') });
  const types = (await reader.timeline(sessionId)).map((entry) => entry.type);
  expect(types).toEqual(['session.start', 'upload', 'workflow.step', 'workflow.step', 'error']);
  const summary = await reader.summary(sessionId);
  expect(summary).toMatchObject({ total: 5, counts: { upload: 1, 'workflow.step': 2, error: 1, 'session.start': 1 } });
  expect(summary!.errors.map((entry) => entry.details)).toEqual([
    { status: 500, message: 'Internal Server Error', method: 'GET', route: '/pay' },
  ]);
  expect(JSON.stringify(summary)).not.toContain('card processor');
  await reader.close();
});
