/**
 * The registries' options fail at creation with the option, the value and the fix; the registry's place in the
 * app (one middleware, the routes after it) is checked with clear errors; keys never carry raw client input.
 */
import express from 'express';
import session from 'express-session';
import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { logicalSession } from '../../src/index.js';
import {
  linkUser,
  memoryRegistry,
  redisRegistry,
  revokeOtherSessions,
  sqliteRegistry,
} from '../../src/registry/index.js';
import { escapeId, KeyLayout } from '../../src/registry/redis/keys.js';

const fakeClient = { eval: vi.fn(), evalSha: vi.fn(), duplicate: vi.fn(), subscribe: vi.fn() } as never;

describe('registry options', () => {
  it.each([
    [
      () => memoryRegistry({ maxSessionsPerUser: 0 }),
      /memoryRegistry\(\): option `maxSessionsPerUser` received 0\. Use a positive whole number/,
    ],
    [
      () => memoryRegistry({ sweepInterval: 'often' as never }),
      /option `sweepInterval` received "often"\. Use milliseconds .* or false to disable/,
    ],
    [() => memoryRegistry({ ttl: -1 }), /option `ttl` received -1/],
    [() => memoryRegistry({ onSignal: 'log' as never }), /option `onSignal` received "log"\. Pass a function/],
    [
      () => memoryRegistry({ maxSesionsPerUser: 3 } as never),
      /memoryRegistry\(\): unknown option `maxSesionsPerUser`\. Did you mean `maxSessionsPerUser`\?/,
    ],
    [() => memoryRegistry('redis' as never), /memoryRegistry\(\): expected an options object/],
    [
      () => redisRegistry({} as never),
      /redisRegistry\(\): option `client` received undefined\. Pass the app's node-redis 5 client/,
    ],
    [() => redisRegistry({ client: fakeClient, keyPrefix: '{all}' }), /option `keyPrefix` received "\{all\}"/],
    [() => sqliteRegistry({} as never), /sqliteRegistry\(\): option `path` received undefined/],
    [() => sqliteRegistry({ path: 'x.db', table: 'drop table' }), /option `table` received "drop table"/],
    [
      () => sqliteRegistry({ path: 'x.db', pollInterval: '5s' }),
      /option `pollInterval` received "5s"\. .*at most 1000 ms/,
    ],
    [
      () => sqliteRegistry({ db: {} as never }),
      /option `db` received an object\. Pass an open better-sqlite3 Database/,
    ],
  ])('%#: %s', (create, message) => {
    expect(create).toThrow(message);
    try {
      create();
    } catch (err) {
      expect(err).toMatchObject({ code: expect.stringMatching(/^ERR_ELS_(INVALID|UNKNOWN)_OPTION$/) });
    }
  });

  it('serves one middleware: a second logicalSession() with the same registry fails at creation', () => {
    const registry = memoryRegistry();
    logicalSession({ registry });
    expect(() => logicalSession({ registry })).toThrow(
      /option `registry` received a registry that another logicalSession\(\) already uses/,
    );
  });
});

describe('linkUser and revokeOtherSessions outside a registry', () => {
  it('reject with a clear error when the middleware has no registry, or the request no session', async () => {
    const app = express();
    app.post('/early', async (req, res) =>
      res.json(await linkUser(req, 'u').catch((err: unknown) => (err as { code: string }).code)),
    );
    app.use(session({ secret: 'x'.repeat(32), resave: false, saveUninitialized: false }), logicalSession());
    app.post('/login', async (req, res) =>
      res.json(await linkUser(req, 'u').catch((err: unknown) => (err as Error).message)),
    );
    app.post('/others', async (req, res) =>
      res.json(await revokeOtherSessions(req).catch((err: unknown) => (err as { code: string }).code)),
    );
    expect((await request(app).post('/login')).body).toMatch(
      /^linkUser\(req, userId\): the request's logicalSession\(\) has no registry/,
    );
    expect((await request(app).post('/others')).body).toBe('ERR_ELS_INVALID_ARGUMENT');
    expect((await request(app).post('/early')).body).toBe('ERR_ELS_INVALID_ARGUMENT');
  });

  it('reject with ERR_ELS_NO_SESSION on a request express-session skipped (a request-scoped ID only)', async () => {
    const app = express();
    app.use(session({ secret: 'x'.repeat(32), resave: false, saveUninitialized: false, cookie: { path: '/app' } }));
    app.use(logicalSession({ registry: memoryRegistry() }));
    app.post('/login', async (req, res) =>
      res.json(await linkUser(req, 'u').catch((err: unknown) => (err as { code: string }).code)),
    );
    expect((await request(app).post('/login')).body).toBe('ERR_ELS_NO_SESSION');
  });

  it('warns once when X-Forwarded-For arrives while trust proxy is off', async () => {
    const warnings: string[] = [];
    const logger = {
      info() {},
      debug() {},
      error() {},
      child() {
        return logger;
      },
      warn: (_: unknown, message: string) => void warnings.push(message),
    };
    const app = express();
    app.use(session({ secret: 'x'.repeat(32), resave: false, saveUninitialized: false }));
    app.use(logicalSession({ registry: memoryRegistry(), logger }));
    app.post('/login', async (req, res) => res.json(await linkUser(req, 'u')));
    for (let i = 0; i < 3; i++) await request(app).post('/login').set('X-Forwarded-For', '198.51.100.1');
    expect(warnings.filter((w) => w.includes('X-Forwarded-For'))).toHaveLength(1);
  });
});

describe('Redis key layout', () => {
  it('escapes every brace, colon, space, newline and NUL, keeps distinct IDs distinct, and hashes long ones', () => {
    expect(escapeId('{a}:b c\n\0')).toBe('%7Ba%7D%3Ab%20c%0A%00');
    expect(escapeId('alice@example.com')).toBe('alice@example.com');
    expect(escapeId('%7B')).not.toBe(escapeId('{'));
    expect(escapeId('x'.repeat(10_000))).toMatch(/^#[0-9a-f]{64}$/);
    const keys = new KeyLayout('app:');
    const [sessions, entries] = keys.user(escapeId('{evil}'));
    expect(sessions).toBe('app:{%7Bevil%7D}:sessions');
    expect(entries).toBe('app:{%7Bevil%7D}:entries');
    expect(keys.session('{x}')).toBe('app:session:%7Bx%7D');
  });
});
