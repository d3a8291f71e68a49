/**
 * Store faults on a fleet: a private redis-server (so it can be killed and restarted) behind
 * three instances built with the fail-fast client settings of README.md.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeWith, requireRedisServerBinary } from '../helpers/services.js';
import { startInProcessFleet, startProcessFleet, type Fleet } from './helpers/fleet.js';
import { startLatencyProxy, type LatencyProxy } from './helpers/latency-proxy.js';
import { startPrivateRedis, type PrivateRedis } from './helpers/redis-server.js';
import { httpRequest, type HttpResult, type RoundRobinClient } from '../helpers/round-robin-client.js';
import { failFastDefaults } from './helpers/client-options.js';
import { waitFor } from '../helpers/wait.js';

const server = requireRedisServerBinary();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DOWN_BUDGET_MS = 1_500;

function report(label: string, values: readonly number[]): void {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  console.info(`[faults] ${label}: n=${sorted.length} p50=${at(0.5)}ms p99=${at(0.99)}ms max=${at(1)}ms`);
}

function expectStoreUnavailable(result: HttpResult, sessionId: string | undefined): void {
  expect(result.status).toBe(503);
  expect(result.elapsedMs).toBeLessThan(DOWN_BUDGET_MS);
  expect(result.body.sessionId).toMatch(UUID);
  expect(result.headers['set-cookie']).toBeUndefined();
  if (sessionId !== undefined) expect(result.body.sessionId).not.toBe(sessionId);
}

describeWith(server, 'Redis faults', () => {
  let redis: PrivateRedis | undefined;
  let proxy: LatencyProxy | undefined;
  let fleet: Fleet | undefined;

  beforeEach(async () => {
    redis = await startPrivateRedis({ persistence: true });
  });
  afterEach(async () => {
    await fleet?.stop();
    await proxy?.close();
    await redis?.stop();
    fleet = undefined;
    proxy = undefined;
    redis = undefined;
  });

  async function outageRequests(client: RoundRobinClient, rounds: number): Promise<HttpResult[]> {
    const results: HttpResult[] = [];
    for (let round = 0; round < rounds; round += 1) {
      results.push(...(await client.burst(24, 'GET', '/whoami', { timeoutMs: 5_000 })));
      results.push(await client.request('GET', '/whoami', { timeoutMs: 5_000 }));
    }
    return results;
  }

  it('answers 503 with a request-scoped ID within 1.5 s while Redis is down, holding no socket and no memory (separate Node processes)', async () => {
    fleet = await startProcessFleet({ label: 'down', redisUrl: redis!.url, count: 3 });
    const client = fleet.newClient();
    const id = (await client.request('GET', '/whoami')).body.id as string;
    const before = await Promise.all(fleet.instances.map((i) => i.health()));

    await redis!.kill();
    const warmup = await outageRequests(client, 4);
    for (const result of warmup) expectStoreUnavailable(result, id);
    expect(new Set(warmup.map((r) => r.body.sessionId as string)).size).toBe(warmup.length);
    const settled = await Promise.all(fleet.instances.map((i) => i.health()));

    const more = await outageRequests(client, 12);
    for (const result of more) expectStoreUnavailable(result, id);
    report(
      'Redis down, with a session cookie',
      [...warmup, ...more].map((r) => r.elapsedMs),
    );

    const after = await Promise.all(
      fleet.instances.map((i) =>
        waitFor(async () => {
          const h = await i.health();
          return h.connections === 0 ? h : undefined;
        }, `${i.name} to hold no client socket`),
      ),
    );
    for (const [n, health] of after.entries()) {
      expect(health.pid).toBe(before[n]!.pid);
      // 300 more failed requests must not leave anything behind (queued commands, sessions, timers).
      expect(health.heapUsed - settled[n]!.heapUsed).toBeLessThan(4 * 1024 * 1024);
    }
    console.info(
      `[faults] heap growth over ${more.length} outage requests: ${after.map((h, n) => Math.round((h.heapUsed - settled[n]!.heapUsed) / 1024)).join(', ')} KiB`,
    );
  });

  it('does not hand a newcomer a cookie or an ID that were never stored while Redis is down: 503 within 1.5 s', async () => {
    fleet = await startInProcessFleet({ label: 'down-new', redisUrl: redis!.url, count: 3 });
    await redis!.kill();
    const results = await Promise.all(
      fleet.instances.flatMap((i) =>
        Array.from({ length: 5 }, () => httpRequest(i.url, 'GET', '/whoami', { timeoutMs: 5_000 })),
      ),
    );
    report(
      'Redis down, newcomer without cookie',
      results.map((r) => r.elapsedMs),
    );
    for (const result of results) expectStoreUnavailable(result, undefined);
    expect(new Set(results.map((r) => r.body.sessionId as string)).size).toBe(results.length);
  });

  it('recovers by itself when Redis is back, and sessions created before the outage keep their IDs', async () => {
    fleet = await startInProcessFleet({ label: 'recover', redisUrl: redis!.url, count: 3 });
    const clients = Array.from({ length: 4 }, () => fleet!.newClient());
    const ids = [];
    for (const [n, client] of clients.entries()) {
      ids.push((await client.request('GET', '/whoami')).body.id as string);
      await client.request('POST', `/notes/who?value=user${n}`);
    }

    // An outage long enough for the reconnect back-off to reach its ceiling, with users still clicking.
    await redis!.kill();
    const outageEnds = performance.now() + 1_500;
    for (let n = 0; performance.now() < outageEnds; n += 1) {
      expectStoreUnavailable(await clients[n % clients.length]!.request('GET', '/whoami'), ids[n % clients.length]);
      await sleep(50);
    }
    await redis!.restart();
    const restartedAt = performance.now();
    await Promise.all(
      fleet.instances.map((i) =>
        waitFor(
          async () =>
            (await httpRequest(i.url, 'GET', '/whoami', { cookie: clients[0]!.cookie, timeoutMs: 2_000 })).status ===
            200,
          `${i.name} to recover`,
          { timeoutMs: 10_000, intervalMs: 20 },
        ),
      ),
    );
    const recoveryMs = performance.now() - restartedAt;
    console.info(`[faults] every instance answered 200 again ${Math.round(recoveryMs)} ms after Redis was ready`);
    // At worst one back-off period (500 ms + jitter) after Redis is ready.
    expect(recoveryMs).toBeLessThan(failFastDefaults.maxReconnectDelayMs + 1_000);

    for (const [n, client] of clients.entries()) {
      const results = await client.burst(6, 'GET', '/whoami');
      for (const result of results) expect(result.body).toMatchObject({ id: ids[n], notes: { who: `user${n}` } });
    }
    const starts = (await Promise.all(fleet.instances.map((i) => i.hooks()))).flatMap((log) => log.starts);
    expect(starts.map((e) => e.sessionId).sort()).toEqual([...ids].sort());
  });

  it('keeps answering while every Redis reply is 150 ms late', async () => {
    proxy = await startLatencyProxy(redis!.port);
    fleet = await startInProcessFleet({ label: 'slow', redisUrl: proxy.url, count: 3 });
    const client = fleet.newClient();
    const id = (await client.request('GET', '/whoami')).body.id as string;

    proxy.setDelay(150);
    const slow = [
      ...(await client.burst(12, 'GET', '/whoami')),
      await client.request('GET', '/whoami'),
      await client.request('POST', '/notes/k?value=v'),
    ];
    report(
      'Redis +150 ms per reply',
      slow.map((r) => r.elapsedMs),
    );
    for (const result of slow) {
      expect(result.status).toBe(200);
      expect(result.body.id).toBe(id);
      // A request makes two or three round trips (GET, the touch or save, EXPIRE).
      expect(result.elapsedMs).toBeLessThan(4 * 150 + 300);
    }
    expect((await client.request('GET', '/whoami')).body.notes).toEqual({ k: 'v' });
  });

  it('answers 503 within the store deadline while Redis stalls under steady traffic, then recovers without losing anything', async () => {
    proxy = await startLatencyProxy(redis!.port);
    fleet = await startInProcessFleet({ label: 'stall', redisUrl: proxy.url, count: 3 });
    const client = fleet.newClient();
    const id = (await client.request('GET', '/whoami')).body.id as string;
    await client.request('POST', '/notes/k?value=v');

    // Replies held back for 2.5 s (a long DEBUG SLEEP, a failover): a request every 50 ms meanwhile.
    proxy.setStalled(true);
    const during: { sentAt: number; result: Promise<HttpResult> }[] = [];
    const stallEnds = performance.now() + 2_500;
    while (performance.now() < stallEnds) {
      during.push({ sentAt: performance.now(), result: client.request('GET', '/whoami', { timeoutMs: 10_000 }) });
      await sleep(50);
    }
    proxy.setStalled(false);
    const releasedAt = performance.now();
    const results = await Promise.all(during.map(async ({ sentAt, result }) => ({ sentAt, ...(await result) })));
    report(
      'Redis stalled, steady traffic',
      results.map((r) => r.elapsedMs),
    );
    for (const result of results) {
      expect(result.elapsedMs).toBeLessThan(failFastDefaults.storeTimeoutMs + 500);
      if (result.status === 200) {
        // Sent shortly before the stall ended: the held reply arrived within the deadline (which
        // starts when the store is asked, a little after the request left the client).
        expect(result.body.id).toBe(id);
        expect(releasedAt - result.sentAt).toBeLessThan(failFastDefaults.storeTimeoutMs + 250);
      } else {
        expect(result.status).toBe(503);
        expect(result.body.sessionId).toMatch(UUID);
      }
    }
    expect(results.filter((r) => r.status === 503).length).toBeGreaterThan(results.length / 2);

    await waitFor(
      async () => (await client.request('GET', '/whoami')).status === 200,
      'the fleet to answer after the stall',
      { timeoutMs: 5_000, intervalMs: 20 },
    );
    for (const result of await client.burst(6, 'GET', '/whoami'))
      expect(result.body).toMatchObject({ id, notes: { k: 'v' } });
  });

  it('control: without the store deadline, steady traffic keeps a stalled connection alive past socketTimeout', async () => {
    proxy = await startLatencyProxy(redis!.port);
    const settings = { socketTimeoutMs: 1_000, pingIntervalMs: 400 };
    fleet = await startInProcessFleet({
      label: 'stall-control',
      redisUrl: proxy.url,
      count: 1,
      storeDeadline: false,
      settings,
    });
    const client = fleet.newClient();
    await client.request('GET', '/whoami');

    proxy.setStalled(true);
    const first = client.request('GET', '/whoami', { timeoutMs: 10_000 });
    const stallEnds = performance.now() + 2 * settings.socketTimeoutMs;
    const others: Promise<HttpResult>[] = [];
    while (performance.now() < stallEnds) {
      others.push(client.request('GET', '/whoami', { timeoutMs: 10_000 }));
      await sleep(100);
    }
    proxy.setStalled(false);
    const waited = (await first).elapsedMs;
    await Promise.all(others);
    report('Redis stalled, steady traffic, socketTimeout only (control)', [waited]);
    // Each new command written counts as socket activity, so the silence timer never fires.
    expect(waited).toBeGreaterThan(1.5 * settings.socketTimeoutMs);
  });

  it('drops a silent connection after socketTimeout and reconnects on its own (plain connect-redis, no store deadline)', async () => {
    proxy = await startLatencyProxy(redis!.port);
    const settings = { socketTimeoutMs: 1_000, pingIntervalMs: 400 };
    fleet = await startInProcessFleet({
      label: 'silent',
      redisUrl: proxy.url,
      count: 3,
      storeDeadline: false,
      settings,
    });
    const client = fleet.newClient();
    const id = (await client.request('GET', '/whoami')).body.id as string;

    proxy.setStalled(true);
    const stalled = await client.request('GET', '/whoami', { timeoutMs: 10_000 });
    report('Redis stalled, lone request, socketTimeout only', [stalled.elapsedMs]);
    expect(stalled.status).toBe(503);
    // Silence is measured from the last byte either way, and an idle PING may have just been sent.
    expect(stalled.elapsedMs).toBeLessThan(settings.socketTimeoutMs + settings.pingIntervalMs + 500);
    proxy.setStalled(false);

    await waitFor(async () => (await client.request('GET', '/whoami')).status === 200, 'the fleet to reconnect', {
      timeoutMs: 5_000,
      intervalMs: 20,
    });
    for (const result of await client.burst(6, 'GET', '/whoami')) expect(result.body.id).toBe(id);
  });
});
