/**
 * A custom generateId that throws or returns nothing usable must not fail the request: the
 * library falls back to the derived ID and reports the problem.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { getSessionId } from '../src/index.js';
import { captureLogger, warnings } from './helpers/log-capture.js';
import { buildApp, expressVersions } from './helpers/app.js';

const UNUSABLE =
  'express-logical-session: generateId returned no usable ID (1-128 visible ASCII characters); using the derived ID';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(expressVersions)('a failing generateId on $name', ({ express }) => {
  it.each([
    [
      'throws',
      () => {
        throw new Error('ID service down');
      },
      'express-logical-session: generateId threw; using the derived ID',
    ],
    ['returns an empty string', () => '', UNUSABLE],
    ['returns a number', () => 42 as unknown as string, UNUSABLE],
    ['returns an ID with a space', () => 'user 42', UNUSABLE],
    ['returns an ID with a newline (header injection)', () => 'abc\r\nSet-Cookie: x=1', UNUSABLE],
    ['returns a non-ASCII ID', () => 'séance-42', UNUSABLE],
    ['returns an ID over 128 characters', () => 'x'.repeat(129), UNUSABLE],
  ])(
    'that %s falls back to the derived ID, stable across requests, and is reported',
    async (_label, generateId, message) => {
      const { logger, messages } = warnings();
      const { app } = buildApp({
        express,
        options: { generateId, logger },
        routes: (router) => router.get('/', (req, res) => res.json({ id: getSessionId(req) })),
      });
      const agent = request.agent(app);
      const first = (await agent.get('/').expect(200)).body.id as string;
      expect(first).toMatch(UUID);
      expect((await agent.get('/').expect(200)).body.id).toBe(first);
      expect(messages).toContain(message);
    },
  );

  it('never quotes a refused ID in the log: it could carry anything, the cookie ID too', async () => {
    const { logger, lines } = captureLogger('warn');
    const { app } = buildApp({
      express,
      options: { generateId: (req) => `leak ${req.sessionID}`, logger },
      routes: (router) => router.get('/', (req, res) => res.json({ id: getSessionId(req), sid: req.sessionID })),
    });
    const { sid } = (await request(app).get('/').expect(200)).body as { sid: string };
    expect(lines.join('\n')).toContain('received a string with spaces, control or non-ASCII characters');
    expect(lines.join('\n')).not.toContain(sid);
  });

  it('keeps a usable custom ID as given, punctuation included, across requests', async () => {
    let n = 0;
    const { app } = buildApp({
      express,
      options: { generateId: () => `tenant-7:user.42/${++n}` },
      routes: (router) => router.get('/', (req, res) => res.json({ id: getSessionId(req) })),
    });
    const agent = request.agent(app);
    expect((await agent.get('/').expect(200)).body.id).toBe('tenant-7:user.42/1');
    expect((await agent.get('/').expect(200)).body.id).toBe('tenant-7:user.42/1');
  });
});
