// One instance: `npx tsx examples/redis/server.ts` (REDIS_URL, PORT, INSTANCE, SESSION_SECRET).
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createApp } from './app.js';
import { createSessionRedisClient } from './redis.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const instance = process.env.INSTANCE ?? `pid-${process.pid}`;
const logger = pino({ base: { instance } });

// Does not wait for Redis: until it answers, requests get a 503 and the client keeps retrying.
const client = createSessionRedisClient(redisUrl, {}, (err) =>
  logger.warn({ err }, 'Redis unreachable: answering 503 until it is back'),
);
client.on('ready', () => logger.info('Redis ready'));
const server = createApp({ client, instance, prefix: process.env.SESSION_PREFIX, logger }).listen(
  Number(process.env.PORT ?? 3000),
  '127.0.0.1',
);
await once(server, 'listening');
const { port } = server.address() as AddressInfo;
logger.info(`instance ${instance} on http://127.0.0.1:${port}, sessions in ${redisUrl}`);
process.send?.({ port });

function shutdown(): void {
  server.close();
  server.closeIdleConnections();
  if (client.isOpen) client.destroy();
  // Started by balance.ts: drop the IPC channel too, or it keeps this process alive.
  if (process.connected) process.disconnect();
}
process.once('SIGINT', shutdown).once('SIGTERM', shutdown).once('disconnect', shutdown);
