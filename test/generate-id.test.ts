/**
 * A custom generateId that throws or returns nothing usable must not fail the request: the
 * library falls back to the derived ID and reports the problem.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { getSessionId } from '../src/index.js';
import { warnings } from './helpers/log-capture.js';
import { buildApp, expressVersions } from './helpers/app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(expressVersions)('a failing generateId on $name', ({ express }) => {
  it.each([
    ['throws', () => {
      throw new Error('ID service down');
    }, 'express-logical-session: generateId threw; using the derived ID'],
    ['returns an empty string', () => '', 'express-logical-session: generateId returned no usable string; using the derived ID'],
    ['returns a number', () => 42 as unknown as string, 'express-logical-session: generateId returned no usable string; using the derived ID'],
  ])('that %s falls back to the derived ID, stable across requests, and is reported', async (_label, generateId, message) => {
    const { logger, messages } = warnings();
    const { app } = buildApp({ express, options: { generateId, logger }, routes: (router) => router.get('/', (req, res) => res.json({ id: getSessionId(req) })) });
    const agent = request.agent(app);
    const first = (await agent.get('/').expect(200)).body.id as string;
    expect(first).toMatch(UUID);
    expect((await agent.get('/').expect(200)).body.id).toBe(first);
    expect(messages).toContain(message);
  });
});
