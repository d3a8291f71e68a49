// `npm run demo`: the demo shop on http://localhost:3000 (PORT to change it). Sessions, the registry and
// the activity log live in var/demo (DEMO_DATA to change it), so a restart keeps every user, logical ID
// and timeline. With REDIS_URL, sessions and the registry live in Redis instead.
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { createDemoApp } from './app.js';
import { redisBackend, sqliteBackend } from './backends.js';
import { DEMO_USERS } from './users.js';

const dataDir = resolve(process.env.DEMO_DATA ?? 'var/demo');
const redisUrl = process.env.REDIS_URL;
const backend = redisUrl ? await redisBackend(redisUrl, dataDir) : sqliteBackend(dataDir);
console.log(`express-logical-session demo: sessions and registry on ${backend.description}`);

const logger = pino({ level: process.env.DEMO_LOG ?? 'warn' });
const { app, close } = createDemoApp({ backend, dataDir, logger, secret: process.env.SESSION_SECRET });
const server = app.listen(Number(process.env.PORT ?? 3000), () => {
  const { port } = server.address() as AddressInfo;
  console.log(`open http://localhost:${port}`);
  for (const user of DEMO_USERS) console.log(`  sign in as ${user.id} / ${user.password} (${user.role})`);
  console.log(`support console: http://localhost:${port}/support/ (as sam)`);
});

function shutdown(): void {
  server.close();
  server.closeIdleConnections();
  void close().then(() => process.exit(0));
}
process.once('SIGINT', shutdown).once('SIGTERM', shutdown);
