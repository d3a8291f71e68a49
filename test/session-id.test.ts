/**
 * The ID accessors refuse what is not an Express request, peek without creating, and build
 * session-scoped keys only from real keys.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { getSessionId, getSessionInfo, peekSessionId, sessionScopedKey } from '../src/index.js';
import { bareRequest, buildApp, expressVersions } from './helpers/app.js';

describe('getSessionId and getSessionInfo arguments', () => {
  it.each([undefined, null, 'req', {}])('refuse %j with ERR_ELS_INVALID_ARGUMENT', (value) => {
    expect(() => getSessionId(value as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_ELS_INVALID_ARGUMENT',
        message: expect.stringContaining('getSessionId(req) needs the Express request'),
      }),
    );
    expect(() => getSessionInfo(value as never)).toThrow(expect.objectContaining({ code: 'ERR_ELS_INVALID_ARGUMENT' }));
  });
});

describe('peekSessionId', () => {
  it('is undefined for a request logicalSession() has not seen, and creates nothing', () => {
    const req = bareRequest();
    expect(peekSessionId(req)).toBeUndefined();
    expect(peekSessionId(req)).toBeUndefined();
  });
});

describe.each(expressVersions)('sessionScopedKey on $name', ({ express }) => {
  it('refuses an empty or non-string key and prefixes a real one with the ID', async () => {
    const { app } = buildApp({
      express,
      routes: (router) =>
        router.get('/', (req, res) => {
          const refusals = ['', 42, undefined].map((key) => {
            try {
              sessionScopedKey(req, key as never);
              return 'accepted';
            } catch (err) {
              return (err as { code?: string }).code;
            }
          });
          res.json({ refusals, key: sessionScopedKey(req, 'cart'), peek: peekSessionId(req), id: getSessionId(req) });
        }),
    });
    const { body } = await request(app).get('/').expect(200);
    expect(body.refusals).toEqual(['ERR_ELS_INVALID_ARGUMENT', 'ERR_ELS_INVALID_ARGUMENT', 'ERR_ELS_INVALID_ARGUMENT']);
    expect(body.key).toBe(`${body.id}:cart`);
    expect(body.peek).toBe(body.id);
  });
});
