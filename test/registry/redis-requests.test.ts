/**
 * "Checking for revocation costs no network round trip per request", measured at the server: a private Redis
 * holds both the sessions (connect-redis) and the registry, and `INFO commandstats` counts what a linked
 * session's requests cost with the registry and without it.
 */
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { redisRegistry } from '../../src/registry/index.js';
import { createClock } from '../helpers/app.js';
import { describeWith, requireRedisServerBinary } from '../helpers/services.js';
import { countCommands, readCommandCounts, type CommandCounts } from '../redis/helpers/commandstats.js';
import { waitFor } from '../helpers/wait.js';
import { connectAdmin, type AdminClient } from '../redis/helpers/keys.js';
import { startPrivateRedis, type PrivateRedis } from '../redis/helpers/redis-server.js';
import { Browser, startFleet } from './helpers/fleet.js';

const server = requireRedisServerBinary();
const REQUESTS = 50;

describeWith(server, 'Redis registry: commands per request', () => {
  let redis: PrivateRedis;
  let admin: AdminClient;
  let client: ReturnType<typeof createClient>;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    admin = await connectAdmin(redis.url);
    client = await createClient({ url: redis.url }).connect();
  });
  afterAll(async () => {
    client.destroy();
    admin.destroy();
    await redis.stop();
  });

  const total = (counts: CommandCounts): number => [...counts.values()].reduce((a, b) => a + b, 0);

  it('adds no command to the requests of a linked session between touches, and a few per touch', async () => {
    const clock = createClock();
    const registry = redisRegistry({ client, sweepInterval: false });
    const [withRegistry, without] = startFleet({
      registries: [registry, undefined],
      clock,
      store: new RedisStore({ client, prefix: 'sess:' }),
    });
    const linked = new Browser();
    await linked.send(withRegistry!, 'get', '/me');
    await linked.send(withRegistry!, 'post', '/login?user=alice');
    const plain = new Browser();
    await plain.send(without!, 'get', '/me');
    await plain.send(without!, 'post', '/note?value=x');

    const steady = async (browser: Browser, instance: typeof without) => {
      for (let i = 0; i < REQUESTS; i++) expect((await browser.send(instance!, 'get', '/me')).status).toBe(200);
    };
    const registryCounts = await countCommands(admin, () => steady(linked, withRegistry));
    const plainCounts = await countCommands(admin, () => steady(plain, without));
    expect(Object.fromEntries(registryCounts)).toEqual(Object.fromEntries(plainCounts));

    // A touch: the registry's refresh runs after the response, so count until the server goes quiet.
    clock.advance(2 * 60_000);
    const settled = async (): Promise<void> => {
      let last = '';
      await waitFor(
        async () => {
          const now = JSON.stringify([...(await readCommandCounts(admin))].filter(([name]) => name !== 'info'));
          const quiet = now === last;
          last = now;
          return quiet;
        },
        'Redis to go quiet',
        { intervalMs: 50 },
      );
    };
    const touchWith = await countCommands(admin, async () => {
      await linked.send(withRegistry!, 'get', '/me');
      await settled();
    });
    const touchWithout = await countCommands(admin, async () => {
      await plain.send(without!, 'get', '/me');
      await settled();
    });
    touchWith.delete('info');
    touchWithout.delete('info');
    console.info(
      `[registry] commands for ${REQUESTS} steady requests: ${total(plainCounts)} without the registry, ${total(registryCounts)} with it (${JSON.stringify(Object.fromEntries(registryCounts))}); ` +
        `a touch: ${total(touchWithout)} without, ${total(touchWith)} with (${JSON.stringify(Object.fromEntries(touchWith))})`,
    );
    // Round trips are the scripts (the commands inside a script count separately in commandstats).
    const scripts = (counts: CommandCounts): number => (counts.get('evalsha') ?? 0) + (counts.get('eval') ?? 0);
    expect(scripts(touchWithout)).toBe(0);
    expect(scripts(touchWith)).toBeLessThanOrEqual(5);
    await registry.close();
  });
});
