/**
 * The Redis registry while Redis is down or slow: every call rejects with ERR_ELS_REGISTRY_FAILED within its
 * deadline, the requests of linked sessions keep working (the revocation check answers from memory), nothing
 * crashes, and everything works again once Redis is back. The app's client has the fail-fast settings of
 * examples/redis; the sessions live in a MemoryStore, so only the registry sees the fault.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { redisRegistry, type SessionRegistry } from '../../src/registry/index.js';
import { createClock } from '../helpers/app.js';
import { describeWith, requireRedisServerBinary } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';
import { connectAppClient, type AppRedisClient } from '../redis/helpers/client-options.js';
import { startLatencyProxy, type LatencyProxy } from '../redis/helpers/latency-proxy.js';
import { startPrivateRedis, type PrivateRedis } from '../redis/helpers/redis-server.js';
import { Browser, startFleet, type Instance } from './helpers/fleet.js';

const server = requireRedisServerBinary();
const DEADLINE = 400;

async function failure(call: () => Promise<unknown>): Promise<{ code: unknown; status: unknown; ms: number }> {
  const started = performance.now();
  const err = (await call().then(
    () => ({}),
    (error: unknown) => error,
  )) as { code?: unknown; status?: unknown };
  return { code: err.code, status: err.status, ms: performance.now() - started };
}

describeWith(server, 'Redis registry: Redis down or slow', () => {
  let redis: PrivateRedis;
  let proxy: LatencyProxy;
  const clients: AppRedisClient[] = [];
  const registries: SessionRegistry[] = [];
  beforeAll(async () => {
    redis = await startPrivateRedis({ persistence: true });
    proxy = await startLatencyProxy(redis.port);
  });
  afterEach(async () => {
    await Promise.all(registries.splice(0).map((registry) => registry.close()));
    for (const client of clients.splice(0)) if (client.isOpen) client.destroy();
  });
  afterAll(async () => {
    await proxy.close();
    await redis.stop();
  });

  async function instance(url: string, clock = createClock()): Promise<Instance> {
    const { client } = await connectAppClient(url);
    clients.push(client);
    const registry = redisRegistry({ client, sweepInterval: false, timeout: DEADLINE });
    registries.push(registry);
    return startFleet({ registries: [registry], clock })[0]!;
  }

  async function login(app: Instance, browser: Browser, user: string) {
    await browser.send(app, 'get', '/me');
    return browser.send(app, 'post', `/login?user=${user}`);
  }

  it('while Redis is down: linkUser, list, revoke and the sweep fail fast and clearly, linked sessions keep working', async () => {
    const clock = createClock();
    const app = await instance(redis.url, clock);
    const linked = new Browser();
    const { sessionId } = (await login(app, linked, 'alice')).body as { sessionId: string };
    const revoked = new Browser();
    const revokedId = (await login(app, revoked, 'alice')).body.sessionId as string;
    expect(await app.registry.revoke(revokedId)).toBe(true);

    await redis.kill();
    try {
      await whileDown(app, clock, { linked, sessionId, revoked, revokedId });
    } finally {
      await redis.restart();
    }
    await waitFor(() => app.registry.list('alice').then((list) => list.length === 1), 'the registry to work again');
    expect((await login(app, new Browser(), 'bob')).status).toBe(200);
  });

  async function whileDown(
    app: Instance,
    clock: ReturnType<typeof createClock>,
    {
      linked,
      sessionId,
      revoked,
      revokedId,
    }: { linked: Browser; sessionId: string; revoked: Browser; revokedId: string },
  ): Promise<void> {
    const calls = {
      list: () => app.registry.list('alice'),
      get: () => app.registry.get(sessionId),
      revoke: () => app.registry.revoke('00000000-0000-4000-8000-000000000000'),
      revokeAll: () => app.registry.revokeAll('alice'),
      sweep: () => app.registry.sweep(),
    };
    for (const [name, call] of Object.entries(calls)) {
      const result = await failure(call);
      expect({ name, code: result.code, status: result.status }).toEqual({
        name,
        code: 'ERR_ELS_REGISTRY_FAILED',
        status: 503,
      });
      expect(result.ms).toBeLessThan(DEADLINE + 500);
    }
    const newcomer = new Browser();
    const started = performance.now();
    const refused = await login(app, newcomer, 'bob');
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('ERR_ELS_REGISTRY_FAILED');
    expect(performance.now() - started).toBeLessThan(DEADLINE + 500);

    // Requests of the linked session go on, touches included; the revoked one stays refused (from memory).
    for (let minute = 2; minute <= 10; minute += 2) {
      clock.advance(2 * 60_000);
      const res = await linked.send(app, 'get', '/me');
      expect(res.body).toMatchObject({ id: sessionId, note: 'user alice' });
    }
    expect((await revoked.send(app, 'get', '/me')).body.id).not.toBe(revokedId);
    expect(app.middleware.stats.hookFailures).toBeGreaterThan(0);
  }

  it('while Redis is slow: calls reject at their deadline, requests of linked sessions do not wait', async () => {
    const clock = createClock();
    const app = await instance(proxy.url, clock);
    const linked = new Browser();
    const { sessionId } = (await login(app, linked, 'carol')).body as { sessionId: string };
    proxy.setDelay(1_500);
    try {
      for (const call of [
        () => app.registry.list('carol'),
        () => app.registry.revoke('00000000-0000-4000-8000-000000000000'),
      ]) {
        const result = await failure(call);
        expect(result.code).toBe('ERR_ELS_REGISTRY_FAILED');
        expect(result.ms).toBeLessThan(DEADLINE + 300);
      }
      clock.advance(2 * 60_000);
      const started = performance.now();
      expect((await linked.send(app, 'get', '/me')).body.id).toBe(sessionId);
      expect(performance.now() - started).toBeLessThan(300);
    } finally {
      proxy.setDelay(0);
    }
  });

  it('an instance that starts after a revocation loads it from Redis', async () => {
    const first = await instance(redis.url);
    const browser = new Browser();
    const sessionId = (await login(first, browser, 'dave')).body.sessionId as string;
    expect(await first.registry.revoke(sessionId)).toBe(true);
    const later = await instance(redis.url);
    await waitFor(
      () => Promise.resolve(later.registry.endReason?.(sessionId) === 'revoked'),
      'the new instance to know',
    );
  });

  it('an instance whose revocation feed dropped catches up from Redis when it reconnects', async () => {
    const first = await instance(redis.url);
    const second = await instance(redis.url);
    const browser = new Browser();
    const sessionId = (await login(first, browser, 'erin')).body.sessionId as string;
    const admin = clients[0]!;
    // Every subscriber connection dropped; the revocation is published before they are back (they retry
    // after 50 ms at the earliest), so the second instance never hears the message itself.
    await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    expect(await first.registry.revoke(sessionId)).toBe(true);
    await waitFor(
      () => Promise.resolve(second.registry.endReason?.(sessionId) === 'revoked'),
      'the second instance to catch up',
    );
    expect((await browser.send(second, 'get', '/me')).body.id).not.toBe(sessionId);
  });
});
