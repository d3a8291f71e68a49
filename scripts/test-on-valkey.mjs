#!/usr/bin/env node
// Runs every test that talks to Redis once more, against Valkey: `node scripts/test-on-valkey.mjs`.
//
// It starts its own valkey-server (VALKEY_SERVER_BIN, default `valkey-server` on PATH) on a spare
// loopback port, checks that what answers is Valkey, and runs vitest on the test files that open a
// Redis gate (requireRedis / requireRedisServerBinary in test/helpers/services.ts), with REDIS_URL
// pointing at it and REDIS_SERVER_BIN=valkey-server for the tests that start, kill and restart their
// own server. Without valkey-server the run is skipped with one line, except under CI=true, where it
// fails, as a missing service does (.ci/run installs it from Debian).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { root, run } from './platform.mjs';

const binary = process.env.VALKEY_SERVER_BIN || 'valkey-server';
const onCi = process.env.CI === 'true' || process.env.CI === '1';
const GATES = /\brequireRedis(ServerBinary)?\(/;

const version = spawnSync(binary, ['--version'], { encoding: 'utf8' });
if (version.status !== 0) {
  const reason = `${binary} is not installed (Debian: apt-get install valkey-server, from bookworm-backports on Debian 12)`;
  if (onCi) {
    console.error(`test-on-valkey: ${reason}; the Valkey run may not be skipped when CI=true.`);
    process.exit(1);
  }
  console.warn(`[skipped] the Redis tests on Valkey: ${reason}`);
  process.exit(0);
}

/** Every test file under test/ that opens a Redis gate, relative to the project root. */
function redisTestFiles() {
  return readdirSync(join(root, 'test'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => GATES.test(readFileSync(file, 'utf8')))
    .map((file) => relative(root, file))
    .sort();
}

async function sparePort() {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** One command over RESP, the reply as text (enough for PING and INFO). */
function ask(port, ...words) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(1000, () => socket.destroy(new Error('timed out')));
    socket.on('error', reject);
    socket.on('connect', () =>
      socket.write(`*${words.length}\r\n${words.map((w) => `$${w.length}\r\n${w}\r\n`).join('')}`),
    );
    socket.on('data', (chunk) => {
      reply += chunk;
      const bulk = /^\$(\d+)\r\n/.exec(reply);
      if (
        reply.startsWith('+') ? reply.endsWith('\r\n') : bulk && reply.length >= bulk[0].length + Number(bulk[1]) + 2
      ) {
        socket.end();
        resolve(reply);
      }
    });
  });
}

async function startValkey() {
  const dir = mkdtempSync(join(tmpdir(), 'els-valkey-'));
  const port = await sparePort();
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const stop = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  for (const started = Date.now(); Date.now() - started < 10_000;) {
    if (child.exitCode !== null) break;
    if (
      await ask(port, 'PING').then(
        (reply) => reply.startsWith('+PONG'),
        () => false,
      )
    )
      return { port, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  stop();
  throw new Error(`${binary} did not answer PING on port ${port}`);
}

const files = redisTestFiles();
const valkey = await startValkey();
try {
  const info = await ask(valkey.port, 'INFO', 'server');
  const field = (name) => new RegExp(`^${name}:(.*)\\r$`, 'm').exec(info)?.[1];
  if (field('server_name') !== 'valkey') throw new Error(`${binary} on port ${valkey.port} is not Valkey:\n${info}`);
  console.log(
    `test-on-valkey: Valkey ${field('valkey_version')} on port ${valkey.port}; ${files.length} test files:\n  ${files.join('\n  ')}`,
  );
  const started = Date.now();
  await run(
    process.execPath,
    [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'unit', ...files],
    {
      cwd: root,
      env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${valkey.port}`, REDIS_SERVER_BIN: binary },
    },
  );
  console.log(`test-on-valkey: passed in ${Math.round((Date.now() - started) / 1000)} s`);
} catch (err) {
  console.error(`test-on-valkey: ${err.message.split('\n')[0]}`);
  process.exitCode = 1;
} finally {
  valkey.stop();
}
