import { describeValue, LogicalSessionError } from '../errors.js';
import type { ActivitySink } from './types.js';

const INVALID_OPTION = 'ERR_ELS_INVALID_OPTION';

/**
 * Where the dispatcher reports dropped records and failed writes. A pino logger fits.
 *
 * @example
 * ```ts
 * const logger: ActivityDispatcherLogger = pino();
 * ```
 */
export interface ActivityDispatcherLogger {
  /** Records were dropped (a full buffer, or unwritten at `close()`). */
  warn(obj: object, msg?: string): void;
  /** A sink's `write` or `close` failed. */
  error(obj: object, msg?: string): void;
}

/**
 * Options of {@link createActivityDispatcher}.
 *
 * @example
 * ```ts
 * const options: ActivityDispatcherOptions = { sinks: [store], batchSize: 200, flushInterval: 500 };
 * ```
 */
export interface ActivityDispatcherOptions {
  /** Where records go; each sink gets every record, in order. At least one. */
  sinks: readonly ActivitySink[];
  /** Records per `write` call; a full batch is written at once instead of waiting. Defaults to `100`. */
  batchSize?: number | undefined;
  /** Longest a record waits in the buffer before a write is attempted, in ms. Defaults to `1000`. */
  flushInterval?: number | undefined;
  /**
   * Records kept per sink while it is slow or down; past this the oldest are dropped and counted.
   * Must be at least `batchSize`. Defaults to `10000`.
   */
  maxBuffer?: number | undefined;
  /**
   * Longest one `write` may take, in ms, before it counts as failed and its batch is retried. It keeps a hung
   * connection (a network partition that never answers) from stalling a sink and `close()` forever; records
   * may then reach the sink twice, which `SqlActivityStore` absorbs through the unique `event_id`.
   * Defaults to `30000`.
   */
  writeTimeout?: number | undefined;
  /** Receives a warning when records are dropped and an error when a sink fails. Defaults to none. */
  logger?: ActivityDispatcherLogger | undefined;
}

/**
 * {@link ActivityDispatcherOptions} after validation, with defaults filled in.
 *
 * @example
 * ```ts
 * const resolved: ResolvedDispatcherOptions = resolveDispatcherOptions({ sinks: [store] });
 * resolved.batchSize; // 100
 * ```
 */
export interface ResolvedDispatcherOptions {
  readonly sinks: readonly ActivitySink[];
  readonly batchSize: number;
  readonly flushInterval: number;
  readonly maxBuffer: number;
  readonly writeTimeout: number;
  readonly logger: ActivityDispatcherLogger | undefined;
}

/**
 * Defaults of the dispatcher's batching options.
 *
 * @example
 * ```ts
 * DISPATCHER_DEFAULTS.flushInterval; // 1000
 * ```
 */
export const DISPATCHER_DEFAULTS = {
  batchSize: 100,
  flushInterval: 1000,
  maxBuffer: 10_000,
  writeTimeout: 30_000,
} as const;

function invalid(option: string, value: unknown, fix: string): LogicalSessionError {
  return new LogicalSessionError(
    INVALID_OPTION,
    `Invalid activity option \`${option}\`: received ${describeValue(value)}. ${fix}`,
  );
}

function isSink(value: unknown): value is ActivitySink {
  return typeof value === 'object' && value !== null && typeof (value as Partial<ActivitySink>).write === 'function';
}

/**
 * Normalises the `activity` value users pass (one sink or an array of sinks) into a list.
 * Throws a `LogicalSessionError` (`ERR_ELS_INVALID_OPTION`) when any entry has no `write` method.
 *
 * @example
 * ```ts
 * toSinkList(store);            // [store]
 * toSinkList([store, pinoSink]); // [store, pinoSink]
 * ```
 */
export function toSinkList(value: unknown, option = 'sinks'): ActivitySink[] {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (list.length === 0) {
    throw invalid(option, value, 'Pass at least one sink, e.g. new SqlActivityStore({ sqlite: "activity.db" }).');
  }
  list.forEach((sink, index) => {
    if (!isSink(sink)) {
      const where = Array.isArray(value) ? `${option}[${index}]` : option;
      throw invalid(where, sink, 'A sink is an object with a write(batch) method, e.g. pinoActivitySink(logger).');
    }
  });
  return list as ActivitySink[];
}

// setInterval silently turns delays above 2^31-1 ms into 1 ms, so larger values are refused.
const MAX_TIMER_MS = 2_147_483_647;

function positiveInteger(option: string, value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value <= max) return value;
  throw invalid(option, value, `Use a whole number from 1 to ${max} (the default is ${fallback}).`);
}

function logger(value: unknown): ActivityDispatcherLogger | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null) {
    const { warn, error } = value as Partial<ActivityDispatcherLogger>;
    if (typeof warn === 'function' && typeof error === 'function')
      return { warn: warn.bind(value), error: error.bind(value) };
  }
  throw invalid('logger', value, 'Pass a logger with warn() and error() methods, such as a pino logger.');
}

/**
 * Validates dispatcher options once, at start-up, and fills in the defaults.
 * Throws a `LogicalSessionError` with code `ERR_ELS_INVALID_OPTION` naming the option, the value and the fix.
 *
 * @example
 * ```ts
 * resolveDispatcherOptions({ sinks: [store], batchSize: 0 });
 * // throws: Invalid activity option `batchSize`: received 0. Use a whole number from 1 to … (the default is 100).
 * ```
 */
export function resolveDispatcherOptions(options: ActivityDispatcherOptions): ResolvedDispatcherOptions {
  const given: unknown = options;
  if (typeof given !== 'object' || given === null) {
    throw invalid('options', given, 'Pass an object such as { sinks: [store] }.');
  }
  const batchSize = positiveInteger('batchSize', options.batchSize, DISPATCHER_DEFAULTS.batchSize);
  const maxBuffer = positiveInteger('maxBuffer', options.maxBuffer, DISPATCHER_DEFAULTS.maxBuffer);
  if (maxBuffer < batchSize) {
    throw invalid(
      'maxBuffer',
      maxBuffer,
      `It must be at least batchSize (${batchSize}): raise maxBuffer or lower batchSize.`,
    );
  }
  return {
    sinks: toSinkList(options.sinks),
    batchSize,
    flushInterval: positiveInteger(
      'flushInterval',
      options.flushInterval,
      DISPATCHER_DEFAULTS.flushInterval,
      MAX_TIMER_MS,
    ),
    maxBuffer,
    writeTimeout: positiveInteger('writeTimeout', options.writeTimeout, DISPATCHER_DEFAULTS.writeTimeout, MAX_TIMER_MS),
    logger: logger(options.logger),
  };
}
