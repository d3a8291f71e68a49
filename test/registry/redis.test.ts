/** The Redis registry passes the conformance suite on the shared Redis (REDIS_URL), three instances, one client each. */
import { createClient } from 'redis';
import { afterAll, beforeAll } from 'vitest';
import { redisRegistry } from '../../src/registry/index.js';
import { describeWith, requireRedis } from '../helpers/services.js';
import { connectAdmin, deleteKeysUnder, keysUnder, testPrefix, type AdminClient } from '../redis/helpers/keys.js';
import { registryConformance } from './conformance.js';

const redis = requireRedis();

describeWith(redis, 'Redis registry', () => {
  const url = redis.available ? redis.url : '';
  const clients: AdminClient[] = [];
  let admin: AdminClient;
  let prefix = '';
  beforeAll(async () => {
    admin = await connectAdmin(url);
    for (let i = 0; i < 3; i++) clients.push(await createClient({ url }).connect());
  });
  afterAll(async () => {
    await deleteKeysUnder(admin, 'els-test:registry:');
    for (const client of clients) client.destroy();
    admin.destroy();
  });
  let created = 0;
  registryConformance({
    name: 'redis',
    instances: 3,
    reset: () => {
      prefix = testPrefix('registry');
    },
    create: (options) => redisRegistry({ client: clients[created++ % 3]!, keyPrefix: prefix, ...options }),
    leftovers: async () => (await keysUnder(admin, prefix)).length,
  });
});
