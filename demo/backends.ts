// Where the demo keeps its data: SQLite files by default (nothing to install), Redis with REDIS_URL (two
// demo processes then share their users, as a fleet would). The activity log stays in SQLite either way.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';
import { SqlActivityStore } from 'express-logical-session/activity';
import { redisRegistry, sqliteRegistry } from 'express-logical-session/registry';
import { SqliteSessionStore } from 'express-logical-session/sqlite-store';
import type { DemoBackend } from './app.js';

export function sqliteBackend(dataDir: string): DemoBackend {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'demo.db');
  const store = new SqliteSessionStore({ path: file });
  const registry = sqliteRegistry({ path: file, maxSessionsPerUser: 3 });
  const activity = new SqlActivityStore({ sqlite: join(dataDir, 'activity.db') });
  return {
    description: `SQLite (${file})`,
    store,
    registry,
    activity,
    async close() {
      await registry.close();
      await store.close();
    },
  };
}

export async function redisBackend(url: string, dataDir: string): Promise<DemoBackend> {
  mkdirSync(dataDir, { recursive: true });
  const client = createClient({ url, disableOfflineQueue: true, socket: { connectTimeout: 2000 } });
  client.on('error', () => undefined); // the requests answer 503 while Redis is away
  await client.connect();
  const store = new RedisStore({ client, prefix: 'demo:sess:' });
  const registry = redisRegistry({ client, maxSessionsPerUser: 3, keyPrefix: 'demo:reg:' });
  const activity = new SqlActivityStore({ sqlite: join(dataDir, 'activity.db') });
  return {
    description: `Redis (${url.replace(/\/\/[^@]*@/, '//')})`,
    store,
    registry,
    activity,
    async close() {
      await registry.close();
      await client.quit();
    },
  };
}
