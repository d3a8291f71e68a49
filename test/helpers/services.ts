/**
 * Gates for tests that need a real backing service (Redis, PostgreSQL).
 *
 * On a developer machine a missing service is not an error: the suite is skipped and its title
 * says why, in one line. On CI (`CI=true`) the same absence fails the run, so a misconfigured
 * pipeline can never pass by silently skipping the tests that matter.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe } from 'vitest';

/** What a gate found: the service address, or the one-line reason the tests are skipped. */
export type ServiceGate = { available: true; url: string } | { available: false; reason: string };

const onCi = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

function gate(envVar: string, label: string, example: string): ServiceGate {
  const url = process.env[envVar];
  if (url !== undefined && url !== '') return { available: true, url };
  const reason = `${envVar} is not set (to run these ${label} tests: ${envVar}=${example})`;
  if (onCi()) {
    throw new Error(`${envVar} must be set when CI=true: ${label} tests may not be skipped on CI.`);
  }
  return { available: false, reason };
}

/** Redis at `REDIS_URL` (on CI: redis://127.0.0.1:6379). */
export function requireRedis(): ServiceGate {
  return gate('REDIS_URL', 'Redis', 'redis://127.0.0.1:6379');
}

/** PostgreSQL at `DATABASE_URL`. */
export function requirePostgres(): ServiceGate {
  return gate('DATABASE_URL', 'PostgreSQL', 'postgres://postgres@127.0.0.1:5432/test');
}

/**
 * The server binary the private-Redis tests start: `REDIS_SERVER_BIN` if set (e.g. `valkey-server`),
 * else `redis-server`, else `valkey-server`, whichever is on PATH first. `undefined` when none runs.
 */
export function redisServerBinary(): string | undefined {
  const configured = process.env.REDIS_SERVER_BIN;
  const candidates = configured !== undefined && configured !== '' ? [configured] : ['redis-server', 'valkey-server'];
  const key = candidates.join(' ');
  if (!binaries.has(key)) {
    binaries.set(
      key,
      candidates.find((bin) => spawnSync(bin, ['--version'], { encoding: 'utf8' }).status === 0),
    );
  }
  return binaries.get(key);
}
const binaries = new Map<string, string | undefined>();

/**
 * A Redis server binary (see `redisServerBinary`), for tests that start, kill and restart their own
 * server. Only asked for when Redis itself is available, so one missing thing gives one reason.
 */
export function requireRedisServerBinary(): ServiceGate {
  const redis = requireRedis();
  if (!redis.available) return redis;
  const binary = redisServerBinary();
  if (binary !== undefined) return { available: true, url: binary };
  const wanted = process.env.REDIS_SERVER_BIN || 'redis-server (or valkey-server)';
  if (onCi()) {
    throw new Error(`${wanted} must be installed when CI=true (.ci/run installs it with apt-get).`);
  }
  return { available: false, reason: `${wanted} is not on PATH (these tests start their own Redis)` };
}

/** Where the browser tests find Chromium (Debian's package; .ci/run installs it when missing). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Chromium for the real-browser tests, driven by playwright-core (which downloads nothing). */
export function requireChromium(): ServiceGate {
  if (existsSync(CHROMIUM)) return { available: true, url: CHROMIUM };
  if (onCi()) throw new Error(`${CHROMIUM} must exist when CI=true (.ci/run installs chromium with apt-get).`);
  return { available: false, reason: `${CHROMIUM} is not installed (apt-get install chromium)` };
}

/**
 * `describe` that runs only when the gate is open. Otherwise the suite is skipped, its title
 * carries the reason (verbose and JUnit reporters), and the reason is printed once, on one line,
 * because the default reporter collapses skipped files to a count.
 */
export function describeWith(service: ServiceGate, name: string, fn: () => void): void {
  if (service.available) {
    describe(name, fn);
    return;
  }
  console.warn(`[skipped] ${name}: ${service.reason}`);
  describe.skip(`${name} (${service.reason})`, fn);
}
