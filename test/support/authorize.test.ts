/**
 * Who may use the console, and the requests it refuses before asking anyone: options checked at creation,
 * `authorize` required (403 everywhere without it, with one warning), its answer taken only when it is
 * `true` and within its deadline, and malformed IDs refused with 400 before any query.
 */
import express from 'express';
import supertest from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LogicalSessionError } from '../../src/core/errors.js';
import { supportRouter } from '../../src/support/index.js';
import type { SupportRequest } from '../../src/support/types.js';
import { consoleApp } from './console-app.js';
import { fakeRegistry } from './fake-registry.js';
import { memoryReader } from './memory-reader.js';
import { NOW, S1, story } from './story.js';

const EVERY_ROUTE = [
  ['GET', '/support/'],
  ['GET', `/support/sessions/${S1}`],
  ['GET', '/support/sessions?user=u1'],
  ['GET', `/support/sessions?id=${S1}`],
  ['POST', `/support/sessions/${S1}/revoke`],
  ['GET', '/support/no-such-page'],
  ['GET', '/support/sessions/%E0%A4%A'],
] as const;

function request(agent: ReturnType<typeof supertest.agent>, method: 'GET' | 'POST', path: string) {
  const test = method === 'GET' ? agent.get(path) : agent.post(path);
  return test.set('sec-fetch-site', 'same-origin');
}

describe('supportRouter() options', () => {
  const reader = memoryReader([]);

  const allow = (): boolean => true;
  const options: [unknown, RegExp][] = [
    [{ activity: reader, authorize: allow, pagesize: 10 }, /unknown option `pagesize`\. Did you mean `pageSize`\?/],
    [{ authorize: allow }, /^supportRouter\(\): option `activity` received undefined\. Pass the activity store/],
    [{ activity: {}, authorize: allow }, /option `activity` received an object/],
    [{ activity: reader, authorize: 'support' }, /option `authorize` received "support"\. Pass a function/],
    [{ activity: reader, authorize: allow, registry: { get() {} } }, /option `registry` received an object/],
    [
      { activity: reader, authorize: allow, pageSize: 0 },
      /option `pageSize` received 0\. Use a positive whole number up to 500/,
    ],
    [{ activity: reader, authorize: allow, idleTimeout: 'soon' }, /option `idleTimeout` received "soon"/],
    [{ activity: reader, authorize: allow, logger: {} }, /option `logger` received an object\. Pass a pino logger/],
    ['support', /expected an options object, received "support"/],
  ];
  it.each(options)('refuses %j at creation, naming the option and the fix', (given, message) => {
    const create = () => supportRouter(given as never);
    expect(create).toThrow(LogicalSessionError);
    expect(create).toThrow(message);
  });

  it('catches app.use(supportRouter) without the call', () => {
    const app = express();
    const mistaken = supportRouter as unknown as (req: unknown, res: unknown, next: unknown) => void;
    expect(() => mistaken({ headers: {}, method: 'GET' }, {}, () => undefined)).toThrow(
      /it should be `app\.use\(supportRouter\(\)\)`/,
    );
    expect(app).toBeDefined();
  });
});

describe('supportRouter() without authorize', () => {
  afterEach(() => vi.restoreAllMocks());

  it('warns once, at creation, through the logger when there is one, else process.emitWarning', () => {
    const warn = vi.fn();
    supportRouter({ activity: memoryReader([]), logger: { warn } } as never);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[1]).toMatch(/no `authorize` option, so every route answers 403/);
    const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    supportRouter({ activity: memoryReader([]) } as never);
    expect(emitWarning).toHaveBeenCalledTimes(1);
    expect(emitWarning.mock.calls[0]?.[0]).toMatch(/every route answers 403/);
  });

  it.each(EVERY_ROUTE)('answers 403 to %s %s and reads nothing', async (method, path) => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const reader = memoryReader(story());
    const registry = fakeRegistry(NOW);
    const { agent } = consoleApp(reader, { authorize: undefined as never, registry });
    const res = await request(agent, method, path).expect(403);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(reader.calls).toBe(0);
    expect(registry.revoked).toEqual([]);
  });
});

describe('supportRouter() authorize', () => {
  it('is asked about every request, with the action and its subject', async () => {
    const asked: SupportRequest[] = [];
    const { agent } = consoleApp(memoryReader(story()), {
      now: () => NOW,
      registry: fakeRegistry(NOW),
      authorize: (_req, subject) => {
        asked.push(subject);
        return Promise.resolve(true);
      },
    });
    await request(agent, 'GET', '/support/').expect(200);
    await request(agent, 'GET', `/support/sessions/${S1}`).expect(200);
    await request(agent, 'GET', '/support/sessions?user=u1').expect(200);
    await request(agent, 'POST', `/support/sessions/${S1}/revoke`).expect(303);
    expect(asked).toEqual([
      { action: 'overview' },
      { action: 'session', sessionId: S1 },
      { action: 'user', userId: 'u1' },
      { action: 'revoke', sessionId: S1 },
    ]);
  });

  it.each([
    ['false', () => false],
    ['a truthy string', () => 'yes' as never],
    ['1', () => 1 as never],
    ['a promise of false', () => Promise.resolve(false)],
  ])('answers 403 when it returns %s', async (_, authorize) => {
    const { agent } = consoleApp(memoryReader(story()), { authorize });
    const res = await agent.get(`/support/sessions/${S1}`).expect(403);
    expect(res.text).toContain('You may not use the support console.');
    await agent
      .get('/support/')
      .set('accept', 'application/json')
      .expect(403, { error: 'You may not use the support console.' });
  });

  it('hands a throw or a rejection to next(err), so the app answers 500 and shows nothing', async () => {
    for (const authorize of [
      () => {
        throw new Error('auth service down');
      },
      () => Promise.reject(new Error('auth service down')),
    ]) {
      const reader = memoryReader(story());
      const { agent } = consoleApp(reader, { authorize });
      const res = await agent.get(`/support/sessions/${S1}`).expect(500);
      expect(res.text).not.toContain(S1);
      expect(reader.calls).toBe(0);
    }
  });

  it('fails at authorizeTimeout when authorize never settles', async () => {
    const reader = memoryReader(story());
    const { agent } = consoleApp(reader, {
      authorize: () => new Promise<boolean>(() => undefined),
      authorizeTimeout: 30,
    });
    await agent.get(`/support/sessions/${S1}`).expect(500);
    expect(reader.calls).toBe(0);
  });
});

describe('requests refused before any query', () => {
  it.each([
    ['a 129-character ID', `/support/sessions/${'a'.repeat(129)}`],
    ['an ID with a space', '/support/sessions/a%20b'],
    ['an ID with a control character', '/support/sessions/a%0Ab'],
    ['a non-ASCII ID', '/support/sessions/%C3%A9t%C3%A9'],
    ['a malformed escape', '/support/sessions/%E0%A4%A'],
    ['a pasted value that is no ID', `/support/sessions?id=${encodeURIComponent('<script>')}%20x`],
    ['half a timeline cursor', `/support/sessions/${S1}?before=1700000000000`],
    ['a cursor time that is no number', `/support/sessions/${S1}?before=yesterday&beforeId=4`],
    ['a user ID with a control character', '/support/sessions?user=u%001'],
    ['a user ID of 201 characters', `/support/sessions?user=${'u'.repeat(201)}`],
    ['neither id nor user', '/support/sessions'],
  ])('400 for %s, and the reader is never called', async (_, path) => {
    const reader = memoryReader(story());
    const asked: SupportRequest[] = [];
    const { agent } = consoleApp(reader, {
      registry: fakeRegistry(NOW),
      authorize: (_req, subject) => asked.push(subject) > 0,
    });
    const res = await agent.get(path).expect(400);
    expect(res.text).toContain('<h1>Bad request</h1>');
    expect(reader.calls).toBe(0);
    expect(asked).toEqual([]);
  });

  it('404 for a path the console does not have, 405 with Allow for a wrong method', async () => {
    const { agent } = consoleApp(memoryReader(story()));
    await agent.get('/support/sessions/a/b/c').expect(404);
    await agent.get(`/support/sessions/${S1}/notes`).expect(404);
    const post = await agent.post(`/support/sessions/${S1}`).expect(405);
    expect(post.headers.allow).toBe('GET');
    expect((await agent.get(`/support/sessions/${S1}/revoke`).expect(405)).headers.allow).toBe('POST');
    expect((await agent.delete('/support/').expect(405)).headers.allow).toBe('GET');
    await agent.head(`/support/sessions/${S1}`).expect(200);
  });
});
