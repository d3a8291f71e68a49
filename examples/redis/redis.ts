/**
 * A Redis session store that fails fast. Every setting here is chosen so that a request never
 * waits on Redis for longer than about a second, whatever Redis is doing; the README section
 * "Running on Redis" explains each one.
 */
import { RedisStore } from 'connect-redis';
import type { SessionData } from 'express-session';
import { createClient, type RedisClientOptions } from 'redis';

export interface FailFastSettings {
  /** Longest wait for a TCP connection. node-redis default: 5000 ms. */
  connectTimeoutMs: number;
  /** A connection that receives nothing for this long is dropped and its commands fail. Default: none. */
  socketTimeoutMs: number;
  /** PING an idle connection this often, so that quiet is not mistaken for a stall. Must be below socketTimeoutMs. */
  pingIntervalMs: number;
  /** Longest pause between reconnect attempts. */
  maxReconnectDelayMs: number;
  /** Commands waiting at once before new ones are refused. Default: unbounded. */
  maxQueuedCommands: number;
  /** Longest a session read or write may take before the request gets its 503. */
  storeTimeoutMs: number;
}

export const failFastDefaults: FailFastSettings = {
  connectTimeoutMs: 1_000,
  socketTimeoutMs: 2_000,
  pingIntervalMs: 1_000,
  maxReconnectDelayMs: 500,
  maxQueuedCommands: 1_000,
  storeTimeoutMs: 1_000,
};

export function failFastRedisOptions(url: string, settings: Partial<FailFastSettings> = {}): RedisClientOptions {
  const s = { ...failFastDefaults, ...settings };
  return {
    url,
    // Refuse commands at once while disconnected; the default queues them until Redis is back.
    disableOfflineQueue: true,
    commandsQueueMaxLength: s.maxQueuedCommands,
    pingInterval: s.pingIntervalMs,
    socket: {
      connectTimeout: s.connectTimeoutMs,
      socketTimeout: s.socketTimeoutMs,
      // Always a number: `false`, an Error, or node-redis' default strategy after a socket timeout
      // close the client for good, and only a restart of the app would reconnect it.
      reconnectStrategy: (retries: number) =>
        Math.min(50 * 2 ** retries, s.maxReconnectDelayMs) + Math.floor(Math.random() * 50),
    },
  };
}

export type SessionRedisClient = ReturnType<typeof createClient>;

/**
 * Creates the client and starts connecting. It does not wait for Redis: until it is reachable,
 * requests that need a session get a 503 and the client keeps retrying.
 */
export function createSessionRedisClient(
  url: string,
  settings: Partial<FailFastSettings> = {},
  onOutage: (err: unknown) => void = () => undefined,
): SessionRedisClient {
  const client: SessionRedisClient = createClient(failFastRedisOptions(url, settings));
  // node-redis emits 'error' on every failed reconnect attempt (about twice a second here), and
  // an 'error' without a listener would crash Node. Report the first one of each outage only.
  let reachable = true;
  client.on('error', (err: unknown) => {
    if (!reachable) return;
    reachable = false;
    onOutage(err);
  });
  client.on('ready', () => {
    reachable = true;
  });
  client.connect().catch(onOutage);
  return client;
}

type StoreCallback = (err?: unknown, data?: any) => void;

class StoreTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  readonly status = 503;
}

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new StoreTimeoutError(`Redis did not answer ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

async function settle<T>(work: Promise<T>, cb: StoreCallback | undefined): Promise<T | undefined> {
  let value: T;
  try {
    value = await work;
  } catch (err) {
    if (cb) {
      cb(err);
      return undefined;
    }
    throw err;
  }
  if (cb) cb(null, value);
  return value;
}

/**
 * connect-redis with a deadline on every session read and write. socketTimeout alone does not
 * bound a request: it measures silence on the connection, and under steady traffic the writes
 * of new commands keep a stalled connection from ever looking silent.
 */
export class TimeBoundRedisStore extends RedisStore {
  private readonly timeoutMs: number;

  constructor(options: ConstructorParameters<typeof RedisStore>[0] & { timeoutMs?: number }) {
    super(options);
    this.timeoutMs = options.timeoutMs ?? failFastDefaults.storeTimeoutMs;
  }

  override get(sid: string, cb?: StoreCallback) {
    return settle(withDeadline(super.get(sid), this.timeoutMs, 'GET'), cb);
  }

  override set(sid: string, sess: SessionData, cb?: StoreCallback) {
    return settle(withDeadline(super.set(sid, sess), this.timeoutMs, 'SET'), cb);
  }

  override touch(sid: string, sess: SessionData, cb?: StoreCallback) {
    return settle(withDeadline(super.touch(sid, sess), this.timeoutMs, 'EXPIRE'), cb);
  }

  override destroy(sid: string, cb?: StoreCallback) {
    return settle(withDeadline(super.destroy(sid), this.timeoutMs, 'DEL'), cb);
  }
}
