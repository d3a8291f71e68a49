/**
 * N app instances sharing one Redis: in-process HTTP servers (each with its own Redis client,
 * as separate deployments would have) or separate Node processes. Both kinds expose the same
 * surface, so every multi-instance test can run on either.
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { buildApp, type HookLog, type InstanceConfig } from './app.js';
import { connectAppClient, failFastDefaults, type FailFastSettings } from './client-options.js';
import { serverHealth, type Health } from './health.js';
import { httpRequest } from '../../helpers/round-robin-client.js';

export interface Instance {
  readonly name: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  hooks(): Promise<HookLog>;
  health(): Promise<Health>;
  /** Closed: `/whoami?hold=1` requests wait. Opened: they (and later ones) go on. */
  setGate(open: boolean): Promise<void>;
  setClockOffset(ms: number): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  redisUrl: string;
  prefix: string;
  count?: number;
  logical?: InstanceConfig['logical'];
  /** Client and store settings; the recommended ones (examples/redis) when left out. */
  settings?: Partial<FailFastSettings>;
  /** `false`: plain connect-redis, without the per-operation deadline. */
  storeDeadline?: boolean;
}

const SECRET = 'test-secret-shared-by-all-instances';
const CHILD_START_TIMEOUT_MS = 15_000;

function configFor(options: HarnessOptions, index: number): InstanceConfig {
  const storeTimeoutMs =
    options.storeDeadline === false ? false : (options.settings?.storeTimeoutMs ?? failFastDefaults.storeTimeoutMs);
  return { name: `i${index}`, prefix: options.prefix, secret: SECRET, logical: options.logical ?? {}, storeTimeoutMs };
}

async function controlJson<T>(url: string, method: 'GET' | 'POST', path: string): Promise<T> {
  const res = await httpRequest(url, method, path, {});
  if (res.status !== 200) throw new Error(`${method} ${path} on ${url} answered ${res.status}`);
  return res.body as T;
}

async function startInProcessInstance(options: HarnessOptions, index: number): Promise<Instance> {
  const config = configFor(options, index);
  const { client } = await connectAppClient(options.redisUrl, options.settings);
  const built = buildApp(client, config, { health: () => serverHealth(server) });
  const server = http.createServer(built.app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    name: config.name,
    url,
    hooks: () => Promise.resolve(structuredClone(built.hooks)),
    setClockOffset: (ms) => Promise.resolve(built.setClockOffset(ms)),
    health: () => controlJson<Health>(url, 'GET', '/__test/health'),
    setGate: async (open) => {
      await controlJson(url, 'POST', `/__test/gate?open=${open ? 1 : 0}`);
    },
    async close() {
      server.closeAllConnections();
      server.close();
      if (client.isOpen) client.destroy();
      await once(server, 'close');
    },
  };
}

/** Starts all or none: if one instance fails to start, the others are closed again. */
async function startAll(count: number, start: (index: number) => Promise<Instance>): Promise<Instance[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, (_unused, i) => start(i)));
  const failure = started.find((s) => s.status === 'rejected');
  const instances = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (failure) {
    await closeAll(instances);
    throw failure.reason;
  }
  return instances;
}

export function startInProcessInstances(options: HarnessOptions): Promise<Instance[]> {
  return startAll(options.count ?? 3, (index) => startInProcessInstance(options, index));
}

function forkInstance(options: HarnessOptions, index: number): Promise<{ child: ChildProcess; port: number }> {
  const entry = fileURLToPath(new URL('./instance-main.ts', import.meta.url));
  const child = fork(entry, [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: {
      ...process.env,
      ELS_INSTANCE: JSON.stringify({
        redisUrl: options.redisUrl,
        settings: options.settings ?? {},
        config: configFor(options, index),
      }),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`instance ${index} did not report a port within ${CHILD_START_TIMEOUT_MS} ms`));
    }, CHILD_START_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`instance ${index} exited with ${code} before it was ready`));
    });
    child.once('message', (message: { port: number }) => {
      clearTimeout(timer);
      resolve({ child, port: message.port });
    });
  });
}

async function startProcessInstance(options: HarnessOptions, index: number): Promise<Instance> {
  const { child, port } = await forkInstance(options, index);
  const url = `http://127.0.0.1:${port}`;
  return {
    name: `i${index}`,
    url,
    hooks: () => controlJson<HookLog>(url, 'GET', '/__test/hooks'),
    health: () => controlJson<Health>(url, 'GET', '/__test/health'),
    setGate: async (open) => {
      await controlJson(url, 'POST', `/__test/gate?open=${open ? 1 : 0}`);
    },
    setClockOffset: async (ms) => {
      await controlJson(url, 'POST', `/__test/clock?offset=${ms}`);
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.send('shutdown');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function startProcessInstances(options: HarnessOptions): Promise<Instance[]> {
  return startAll(options.count ?? 3, (index) => startProcessInstance(options, index));
}

export async function closeAll(instances: readonly Instance[]): Promise<void> {
  await Promise.allSettled(instances.map((i) => i.close()));
}

/** Moves the clock of every instance by the same amount, as time passing would. */
export async function advanceClocks(instances: readonly Instance[], offsetMs: number): Promise<void> {
  await Promise.all(instances.map((i) => i.setClockOffset(offsetMs)));
}
