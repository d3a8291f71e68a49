/**
 * A private Redis Cluster of three masters on spare loopback ports, made with `redis-cli --cluster create`.
 * Readiness is awaited (PING, then `cluster_state:ok` on every node), never slept for.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { createCluster } from 'redis';
import { waitFor } from '../../helpers/wait.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { pingRaw, sparePort } from '../../redis/helpers/redis-server.js';

const run = promisify(execFile);

export interface PrivateCluster {
  readonly ports: readonly number[];
  connect(): Promise<ReturnType<typeof createCluster>>;
  stop(): Promise<void>;
}

export async function startCluster(): Promise<PrivateCluster> {
  const dir = tempDir('els-cluster-');
  const ports = [await sparePort(), await sparePort(), await sparePort()];
  const servers: ChildProcess[] = ports.map((port) =>
    spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--dir',
        dir.path,
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'yes',
      ],
      { stdio: 'ignore' },
    ),
  );
  const stop = async (): Promise<void> => {
    await Promise.all(
      servers.map(async (server) => {
        if (server.exitCode !== null || server.signalCode !== null) return;
        const exited = once(server, 'exit');
        server.kill('SIGKILL');
        await exited;
      }),
    );
    dir.remove();
  };
  try {
    await waitFor(
      async () => (await Promise.all(ports.map((port) => pingRaw(port)))).every(Boolean),
      'cluster nodes to answer PING',
    );
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await waitFor(
      async () => {
        const states = await Promise.all(
          ports.map((port) => run('redis-cli', ['-p', String(port), 'cluster', 'info'])),
        );
        return states.every(({ stdout }) => stdout.includes('cluster_state:ok'));
      },
      'the cluster to be ok',
      { timeoutMs: 15_000, intervalMs: 50 },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    ports,
    async connect() {
      const cluster = createCluster({ rootNodes: ports.map((port) => ({ url: `redis://127.0.0.1:${port}` })) });
      cluster.on('error', () => undefined);
      await cluster.connect();
      return cluster;
    },
    stop,
  };
}
