/**
 * Entry point of one app instance running as its own Node process (`node --import tsx`).
 * Reads its config from ELS_INSTANCE, listens on a free loopback port, reports the port over IPC,
 * and exits when the parent goes away, so a crashed test run leaves no orphan behind.
 */
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { buildApp, type InstanceConfig } from './app.js';
import { connectAppClient, type FailFastSettings } from './client-options.js';
import { serverHealth } from './health.js';

interface ChildBoot {
  redisUrl: string;
  settings: Partial<FailFastSettings>;
  config: InstanceConfig;
}

const boot = JSON.parse(process.env.ELS_INSTANCE ?? 'null') as ChildBoot | null;
if (!boot || typeof process.send !== 'function') {
  throw new Error('instance-main.ts is started by the test harness (fork with ELS_INSTANCE set)');
}

const { client } = await connectAppClient(boot.redisUrl, boot.settings);
const { app } = buildApp(client, boot.config, {
  health: () => serverHealth(server),
});
const server = http.createServer(app);
server.listen(0, '127.0.0.1');
await once(server, 'listening');

function shutdown(): void {
  server.closeAllConnections();
  server.close();
  if (client.isOpen) client.destroy();
  process.exit(0);
}

process.on('disconnect', () => shutdown());
process.on('message', (message) => {
  if (message === 'shutdown') shutdown();
});
process.send({ port: (server.address() as AddressInfo).port });
