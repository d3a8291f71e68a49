import { createActivityDispatcher, type ActivityDispatcher } from './activity/dispatcher.js';
import type { Configuration } from './options.js';

/**
 * Counters of one `logicalSession()` middleware, readable as `middleware.stats`.
 *
 * @example
 * ```ts
 * const logical = logicalSession();
 * setInterval(() => {
 *   const stats: Readonly<LogicalSessionStats> = logical.stats;
 *   metrics.gauge('sessions.started', stats.sessionsStarted);
 *   metrics.gauge('sessions.store_failures', stats.storeFailures);
 * }, 10_000).unref();
 * ```
 */
export interface LogicalSessionStats {
  /** Logical sessions started (deduplicated per process). */
  sessionsStarted: number;
  /** Logical sessions ended (deduplicated per process). */
  sessionsEnded: number;
  /** Hook calls that threw or rejected. */
  hookFailures: number;
  /** Store writes by the library that failed (the request went on). */
  storeFailures: number;
  /** Logger calls that threw. */
  loggerFailures: number;
  /** Requests served with a request-scoped ID because no session was usable. */
  requestScoped: number;
}

/** Per-middleware state shared by its requests. */
export interface Runtime {
  readonly config: Configuration;
  readonly stats: LogicalSessionStats;
  readonly dispatcher: ActivityDispatcher | undefined;
  /** Set once a request arrived with `req.session`: later misses are store outages, not a missing mount. */
  sessionSeen: boolean;
  /** Lifecycle event IDs already fired, so a burst of requests fires one transition once. */
  readonly firedEvents: RecentMemory<true>;
  /** Logical ID -> the lastActivityAt this process last wrote, so a burst touches once per process. */
  readonly recentTouches: RecentMemory<number>;
}

/** How many recent entries each per-process memory keeps at least; a burst is over long before. */
const RECENT_KEPT = 10_000;

/**
 * A bounded memory of recent keys: it keeps at least the `keep` most recent and at most twice
 * that, in two generations of Maps that swap when the young one is full, so every operation is
 * O(1). Evicting the oldest entry of a single insertion-ordered Map is not: V8 walks the deleted
 * slots at the front of the table on every `keys().next()`, 6.5 µs per insert at 10,000 entries,
 * which every new session paid (bench/FINDINGS.md).
 */
export class RecentMemory<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  constructor(private readonly keep: number) {}

  /** The latest value set for `key`, if it is still remembered. */
  get(key: string): V | undefined {
    return this.young.has(key) ? this.young.get(key) : this.old.get(key);
  }

  has(key: string): boolean {
    return this.young.has(key) || this.old.has(key);
  }

  set(key: string, value: V): void {
    this.young.set(key, value);
    if (this.young.size >= this.keep) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  /** Entries held, counting a key in both generations twice: never more than twice `keep`. */
  get size(): number {
    return this.young.size + this.old.size;
  }
}

export function createRuntime(config: Configuration): Runtime {
  const stats: LogicalSessionStats = {
    sessionsStarted: 0,
    sessionsEnded: 0,
    hookFailures: 0,
    storeFailures: 0,
    loggerFailures: 0,
    requestScoped: 0,
  };
  const dispatcher =
    config.activity &&
    createActivityDispatcher({
      sinks: [...config.activity.sinks],
      batchSize: config.activity.batchSize,
      flushInterval: config.activity.flushInterval,
      maxBuffer: config.activity.maxBuffer,
      writeTimeout: config.activity.writeTimeout,
      logger: config.logger,
    });
  return {
    config,
    stats,
    dispatcher,
    sessionSeen: false,
    firedEvents: new RecentMemory(RECENT_KEPT),
    recentTouches: new RecentMemory(RECENT_KEPT),
  };
}

/** Records an event ID; `false` when it was already fired in this process. */
export function claimEvent(runtime: Runtime, eventId: string): boolean {
  if (runtime.firedEvents.has(eventId)) return false;
  runtime.firedEvents.set(eventId, true);
  return true;
}

let warnedWithoutLogger = false;

/** Logs a failure the request must not see; never throws. */
export function reportFailure(runtime: Runtime | undefined, message: string, err: unknown, fields: object = {}): void {
  if (runtime?.config.logger) {
    try {
      runtime.config.logger.warn({ ...fields, err }, message);
      return;
    } catch {
      runtime.stats.loggerFailures++;
    }
  }
  if (!warnedWithoutLogger) {
    warnedWithoutLogger = true;
    process.emitWarning(
      `${message} (set the \`logger\` option of logicalSession() to see every such failure)`,
      'LogicalSessionWarning',
    );
  }
}

/** Counts a hook or store failure in `middleware.stats` and reports it; never throws. */
export function recordFailure(
  runtime: Runtime | undefined,
  counter: 'hookFailures' | 'storeFailures',
  message: string,
  err: unknown,
  fields: object = {},
): void {
  if (runtime) runtime.stats[counter]++;
  reportFailure(runtime, message, err, fields);
}

/** Logs through the configured logger; a logger that throws is counted, never propagated. */
export function safeLog(
  runtime: Runtime | undefined,
  level: 'info' | 'debug' | 'warn' | 'error',
  fields: object,
  message: string,
): void {
  if (!runtime?.config.logger) return;
  try {
    runtime.config.logger[level](fields, message);
  } catch {
    runtime.stats.loggerFailures++;
  }
}

/**
 * Calls a user hook without letting it fail or delay the request: sync throws and async
 * rejections are reported and counted, and the promise is never awaited.
 */
export function callHook<A extends unknown[]>(
  runtime: Runtime,
  name: string,
  hook: ((...args: A) => unknown) | undefined,
  ...args: A
): void {
  if (!hook) return;
  const failed = (err: unknown): void => {
    recordFailure(runtime, 'hookFailures', `express-logical-session: hook ${name} failed`, err, { hook: name });
  };
  try {
    const result = hook(...args);
    if (result instanceof Promise) result.catch(failed);
  } catch (err) {
    failed(err);
  }
}
