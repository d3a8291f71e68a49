/**
 * A private Redis server on a spare loopback port, for tests that kill and restart Redis. The binary is
 * `redisServerBinary()`: redis-server, or valkey-server (`REDIS_SERVER_BIN`), which takes the same flags.
 * Readiness is awaited (log line, then PING), never slept for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { redisServerBinary } from '../../helpers/services.js';

export interface PrivateRedisOptions {
  /** Append-only file with fsync on every write, so a `kill -9` loses nothing. */
  persistence?: boolean;
}

export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** `kill -9`: the server dies at once, as in a crash or OOM kill. */
  kill(): Promise<void>;
  /** Start again on the same port and data directory; resolves when it answers PING. */
  restart(): Promise<void>;
  /** Kill the server and remove its data directory. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function sparePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Resolves once the server at `port` answers `+PONG` to a raw PING. */
export async function pingRaw(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => done(chunk.toString().startsWith('+PONG')));
  });
}

function waitForLogLine(child: ChildProcess, binary: string, needle: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => finish(new Error(`${binary} not ready after ${timeoutMs} ms:\n${seen}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      if (seen.includes(needle)) finish();
    };
    const onExit = (code: number | null): void =>
      finish(new Error(`${binary} exited (${code}) before ready:\n${seen}`));
    function finish(err?: Error): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Starts a private Redis; the caller must `stop()` it (the test's `afterAll`). */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const found = redisServerBinary();
  if (found === undefined) throw new Error('no redis-server or valkey-server on PATH (REDIS_SERVER_BIN)');
  const binary = found;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'els-redis-'));
  const port = await sparePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--protected-mode',
    'yes',
    '--enable-debug-command',
    'local',
    ...(options.persistence === true ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
  ];
  let child: ChildProcess | undefined;

  async function launch(): Promise<void> {
    const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    await waitForLogLine(proc, binary, 'Ready to accept connections', READY_TIMEOUT_MS);
    if (!(await pingRaw(port))) throw new Error(`${binary} on ${port} logged ready but does not answer PING`);
    // Drain output so a chatty server never blocks on a full pipe.
    proc.stdout.resume();
    proc.stderr.resume();
  }

  async function kill(): Promise<void> {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGKILL');
    await exited;
  }

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    async restart() {
      await kill();
      await launch();
    },
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
