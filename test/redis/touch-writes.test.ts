/**
 * Guarantee 3 (no write amplification) measured at the server: a private Redis, so that
 * `INFO commandstats` counts only this fleet's commands. express-session with `resave: false`
 * writes nothing for a read-only request, so every SET here is the library's own.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeWith, requireRedisServerBinary } from '../helpers/services.js';
import { countCommands, type CommandCounts } from './helpers/commandstats.js';
import { startInProcessFleet, type Fleet } from './helpers/fleet.js';
import { advanceClocks } from './helpers/harness.js';
import { startPrivateRedis, type PrivateRedis } from './helpers/redis-server.js';
import type { RoundRobinClient } from '../helpers/round-robin-client.js';

const server = requireRedisServerBinary();
const SECOND = 1_000;
const TOUCH = 60 * SECOND;

describeWith(server, 'Redis: library writes per touchInterval', () => {
  let redis: PrivateRedis;
  let fleet: Fleet | undefined;

  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  afterEach(async () => {
    await fleet?.stop();
    fleet = undefined;
  });

  async function storedActivity(client: RoundRobinClient): Promise<number> {
    const stored = await fleet!.stored(client);
    const a = stored?.logical?.lastActivityAt;
    if (typeof a !== 'number') throw new Error(`no lastActivityAt stored: ${JSON.stringify(stored)}`);
    return a;
  }

  function writes(counts: CommandCounts): number {
    return (counts.get('set') ?? 0) + (counts.get('setex') ?? 0) + (counts.get('psetex') ?? 0);
  }

  it('writes lastActivityAt at most once per touchInterval, never backwards, with requests round-robin over three instances', async () => {
    fleet = await startInProcessFleet({
      label: 'touch',
      redisUrl: redis.url,
      count: 3,
      logical: { idleTimeout: '30m', touchInterval: TOUCH },
    });
    const client = fleet.newClient();
    expect((await client.request('GET', '/whoami')).status).toBe(200);
    const history = [await storedActivity(client)];
    let requests = 0;

    // Ten minutes of steady use, one request every 10 s (of injected time), each on the next instance.
    const counts = await countCommands(fleet.admin, async () => {
      for (let elapsed = 10 * SECOND; elapsed <= 10 * TOUCH; elapsed += 10 * SECOND) {
        await advanceClocks(fleet!.instances, elapsed);
        expect((await client.request('GET', '/whoami')).status).toBe(200);
        requests += 1;
        history.push(await storedActivity(client));
      }
    });

    const changes = history.slice(1).filter((a, i) => a !== history[i]).length;
    for (let i = 1; i < history.length; i += 1) expect(history[i]).toBeGreaterThanOrEqual(history[i - 1]!);
    const distinct = [...new Set(history)];
    for (let i = 1; i < distinct.length; i += 1) expect(distinct[i]! - distinct[i - 1]!).toBeGreaterThanOrEqual(TOUCH);
    // One write per interval: 9 or 10 over ten intervals depending on whether the boundary is inclusive.
    expect(changes).toBeGreaterThanOrEqual(9);
    expect(changes).toBeLessThanOrEqual(10);
    // Every SET the server saw changed lastActivityAt: there is no write without a reason.
    expect(writes(counts)).toBe(changes);
    // Between touches a request costs exactly what express-session costs: GET plus its EXPIRE touch.
    // A request that touches reads the session once more, to write its change on the freshest copy.
    expect(counts.get('get')).toBe(requests + history.length - 1 + changes);
    expect(counts.get('expire') ?? 0).toBeLessThanOrEqual(requests);
    console.info(
      `[touch-writes] ${requests} requests over ${distinct.length - 1} touch intervals: ${JSON.stringify(Object.fromEntries(counts))}`,
    );
  });

  it('keeps lastActivityAt monotonic and writes at most once per instance per touchInterval when bursts hit every instance at a boundary', async () => {
    const INSTANCES = 3;
    fleet = await startInProcessFleet({
      label: 'touch-burst',
      redisUrl: redis.url,
      count: INSTANCES,
      logical: { idleTimeout: '30m', touchInterval: TOUCH },
    });
    const client = fleet.newClient();
    expect((await client.request('GET', '/whoami')).status).toBe(200);
    const history = [await storedActivity(client)];
    const BURST = 12;
    const INTERVALS = 5;

    const counts = await countCommands(fleet.admin, async () => {
      for (let n = 1; n <= INTERVALS; n += 1) {
        await advanceClocks(fleet!.instances, n * TOUCH + 5 * SECOND);
        const burst = await client.burst(BURST, 'GET', '/whoami');
        expect(new Set(burst.map((r) => r.status))).toEqual(new Set([200]));
        const stored = await storedActivity(client);
        // Whichever request wrote last, the stored value is the newest any of them wrote.
        expect(stored).toBe(Math.max(...burst.map((r) => r.body.info.lastActivityAt as number)));
        history.push(stored);
      }
    });

    for (let i = 1; i < history.length; i += 1) expect(history[i]).toBeGreaterThan(history[i - 1]!);
    const perInterval = writes(counts) / INTERVALS;
    console.info(
      `[touch-writes] bursts of ${BURST} over ${INSTANCES} instances: ${perInterval} SET per session per touchInterval; ${JSON.stringify(Object.fromEntries(counts))}`,
    );
    // Instances cannot see each other's in-flight writes (connect-redis has no compare-and-set),
    // so a burst at the boundary may cost one write per instance, but never one per request.
    expect(perInterval).toBeLessThanOrEqual(INSTANCES);
  });
});
