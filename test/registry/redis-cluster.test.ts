/**
 * The Redis registry on a local 3-master Redis Cluster the test starts: every script touches one hash slot,
 * so the whole conformance suite runs unchanged (a cross-slot script would fail with CROSSSLOT).
 */
import { afterAll, beforeAll } from 'vitest';
import { redisRegistry } from '../../src/registry/index.js';
import { describeWith, requireRedisServerBinary } from '../helpers/services.js';
import { testPrefix } from '../redis/helpers/keys.js';
import { registryConformance } from './conformance.js';
import { startCluster, type PrivateCluster } from './helpers/redis-cluster.js';

const server = requireRedisServerBinary();

describeWith(server, 'Redis registry on Redis Cluster', () => {
  let cluster: PrivateCluster;
  let clients: Awaited<ReturnType<PrivateCluster['connect']>>[] = [];
  let prefix = '';
  let created = 0;
  beforeAll(async () => {
    cluster = await startCluster();
    clients = await Promise.all([cluster.connect(), cluster.connect(), cluster.connect()]);
  }, 30_000);
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await cluster.stop();
  });

  registryConformance({
    name: 'redis cluster',
    instances: 3,
    reset: () => {
      prefix = testPrefix('cluster');
    },
    create: (options) => redisRegistry({ client: clients[created++ % 3]!, keyPrefix: prefix, ...options }),
    leftovers: async () => {
      let count = 0;
      for (const master of clients[0]!.masters) {
        const node = await clients[0]!.nodeClient(master);
        for await (const batch of node.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) count += batch.length;
      }
      return count;
    },
  });
});
