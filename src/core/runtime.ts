import type { Request } from 'express';
import { LOGS_ACTIVITY, type ActivityDispatcher } from './activity-types.js';
import { startDispatcher } from './dispatcher.js';
import {
  activityListener,
  channelListener,
  compileListeners,
  type LifecycleListener,
  type ListenerTable,
} from './listeners.js';
import type { Configuration } from './options.js';
import { RecentMemory } from './recent-memory.js';
import { readSafely, redactError } from './redact.js';
import type { StoredFields } from './stored-form.js';
import type { SessionReason } from './events.js';
import type { LogicalSessionHooks } from './types.js';

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
  /** Hook (and lifecycle listener) calls that threw or rejected. */
  hookFailures: number;
  /** Store writes by the library that failed (the request went on). */
  storeFailures: number;
  /** Logger calls that threw. */
  loggerFailures: number;
  /** Requests served with a request-scoped ID because no session was usable. */
  requestScoped: number;
  /** Activity records given up: dropped from a full buffer, refused after `close()`, or unwritten at `close()`. */
  readonly activityDropped: number;
  /** Activity sink writes that failed or timed out (each failed batch is kept and retried). */
  readonly activityWriteFailures: number;
}

/** A write before the route that a request of this process leads; the others of a burst wait for it. */
export interface LeadingWrite {
  readonly startedAt: number;
  /** The state the write left (also when the save failed), or `undefined` when the session was gone. */
  readonly outcome: Promise<StoredFields | undefined>;
}

/** Per-middleware state shared by its requests. */
export interface Runtime {
  readonly config: Configuration;
  readonly stats: LogicalSessionStats;
  readonly dispatcher: ActivityDispatcher | undefined;
  /** Whether the middleware's logger writes a line per activity (not when a sink already logs them). */
  readonly logsActivity: boolean;
  /** The registry's per-request question, when it asks one: end this logical session now? */
  readonly endReason: ((sessionId: string) => SessionReason | undefined) | undefined;
  /** Who hears each lifecycle event, in order: the user's hooks, the activity sinks, the modules, then diagnostics_channel. */
  readonly listeners: ListenerTable;
  /** Set once a request arrived with `req.session`: later misses are store outages, not a missing mount. */
  sessionSeen: boolean;
  /** Lifecycle event IDs already fired, so a burst of requests fires one transition once. */
  readonly firedEvents: RecentMemory<true>;
  /** The session store and passport session manager last seen, wrapped once each (regenerate.ts). */
  readonly watched: { store: unknown; passport: unknown };
  /** The writes before the route this process leads (touches, rotations), so a burst writes each once. */
  readonly recentWrites: RecentMemory<LeadingWrite>;
}

/** The user's lifecycle hooks as the first listener, reported under the hook's own name. */
export function hooksListener(hooks: Readonly<LogicalSessionHooks>): LifecycleListener {
  return { name: 'hooks', start: hooks.onSessionStart, end: hooks.onSessionEnd, activity: hooks.onActivity };
}

/** How many recent entries each per-process memory keeps at least; a burst is over long before. */
const RECENT_KEPT = 10_000;

/**
 * The runtime of one middleware; `extraListeners` hear the lifecycle after the hooks, the activity sinks
 * and the registry.
 */
export function createRuntime(config: Configuration, extraListeners: readonly LifecycleListener[] = []): Runtime {
  const dispatcher = config.activity && startDispatcher(config.activity, config.logger);
  const stats: LogicalSessionStats = {
    sessionsStarted: 0,
    sessionsEnded: 0,
    hookFailures: 0,
    storeFailures: 0,
    loggerFailures: 0,
    requestScoped: 0,
    get activityDropped() {
      return dispatcher?.stats.dropped ?? 0;
    },
    get activityWriteFailures() {
      return dispatcher?.stats.failures ?? 0;
    },
  };
  const listeners = [
    hooksListener(config.hooks),
    ...(dispatcher ? [activityListener(dispatcher)] : []),
    ...(config.registry?.listener ? [config.registry.listener] : []),
    ...extraListeners,
    channelListener(),
  ];
  return {
    config,
    stats,
    dispatcher,
    listeners: compileListeners(listeners),
    logsActivity:
      config.logger !== undefined && !(config.activity?.sinks.some((sink) => sink[LOGS_ACTIVITY] === true) ?? false),
    endReason: config.registry?.endReason?.bind(config.registry),
    sessionSeen: false,
    firedEvents: new RecentMemory(RECENT_KEPT),
    recentWrites: new RecentMemory(RECENT_KEPT),
    watched: { store: undefined, passport: undefined },
  };
}

// Each middleware's runtime, so that code running where the middleware did not (the error handler of
// a request whose session failed to load) can still find its configuration and sinks.
const RUNTIMES = new WeakMap<object, Runtime>();

/** Remembers which runtime a middleware function belongs to. */
export function registerRuntime(middleware: object, runtime: Runtime): void {
  RUNTIMES.set(middleware, runtime);
}

/** The runtime of a middleware function, if it is one of ours. */
export function runtimeOfMiddleware(handler: unknown): Runtime | undefined {
  return typeof handler === 'function' ? RUNTIMES.get(handler) : undefined;
}

/** Records an event ID; `false` when it was already fired in this process. */
export function claimEvent(runtime: Runtime, eventId: string): boolean {
  if (runtime.firedEvents.has(eventId)) return false;
  runtime.firedEvents.set(eventId, true);
  return true;
}

let warnedWithoutLogger = false;

/** The request's cookie session ID, to scrub from what is logged about it. */
function cookieIdOf(req: Request | undefined): string | undefined {
  const id = req === undefined ? undefined : readSafely(req, 'sessionID');
  return typeof id === 'string' ? id : undefined;
}

/**
 * Logs a failure the request must not see; never throws. `err` is logged scrubbed of the cookie session ID
 * of `req` (a hook or a store may put it in a message).
 */
export function reportFailure(
  runtime: Runtime | undefined,
  message: string,
  err: unknown,
  fields: object = {},
  req?: Request,
): void {
  if (runtime?.config.logger) {
    try {
      runtime.config.logger.warn({ ...fields, err: redactError(err, cookieIdOf(req)) }, message);
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
  req?: Request,
): void {
  if (runtime) runtime.stats[counter]++;
  reportFailure(runtime, message, err, fields, req);
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
