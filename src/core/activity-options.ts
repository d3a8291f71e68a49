import type { ActivitySink } from './activity-types.js';
import {
  hasMethods,
  integerOption,
  invalidOption,
  isSink,
  MAX_TIMER_MS,
  optionNames,
  type OptionNames,
  rejectUnknown,
} from './validation.js';

/**
 * Batching settings for activity sinks: the `activity` option of `logicalSession()`.
 *
 * @example
 * ```ts
 * const activity: ActivityOptions = { sinks: [store, pinoActivitySink(logger)], batchSize: 200, flushInterval: 500 };
 * app.use(logicalSession({ activity }));
 * ```
 */
export interface ActivityOptions {
  /** Where records go; each sink gets every record, in order. At least one. */
  sinks: ActivitySink | readonly ActivitySink[];
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
}

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
 * Options of `createActivityDispatcher`: the batching settings and a logger.
 *
 * @example
 * ```ts
 * const options: ActivityDispatcherOptions = { sinks: [store], batchSize: 200, flushInterval: 500, logger };
 * ```
 */
export interface ActivityDispatcherOptions extends ActivityOptions {
  /** Receives a warning when records are dropped and an error when a sink fails. Defaults to none. */
  logger?: ActivityDispatcherLogger | undefined;
}

/** Activity settings after validation, with the defaults filled in. */
export interface ActivityConfig {
  readonly sinks: readonly ActivitySink[];
  readonly batchSize: number;
  readonly flushInterval: number;
  readonly maxBuffer: number;
  readonly writeTimeout: number;
}

const BATCHING_NAMES = optionNames({
  sinks: true,
  batchSize: true,
  flushInterval: true,
  maxBuffer: true,
  writeTimeout: true,
} satisfies OptionNames<ActivityOptions>);
const DISPATCHER_NAMES = optionNames({
  sinks: true,
  batchSize: true,
  flushInterval: true,
  maxBuffer: true,
  writeTimeout: true,
  logger: true,
} satisfies OptionNames<ActivityDispatcherOptions>);

const SHAPE_FIX =
  'Pass a sink with a write(batch) method, an array of sinks, or { sinks, batchSize, flushInterval, maxBuffer, writeTimeout }.';
const SINK_FIX = 'A sink is an object with a write(batch) method, e.g. pinoActivitySink(logger).';

function sinkList(caller: string, option: string, value: unknown): ActivitySink[] {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (list.length === 0) {
    throw invalidOption(
      caller,
      option,
      value,
      'Pass at least one sink, e.g. new SqlActivityStore({ sqlite: "activity.db" }).',
    );
  }
  list.forEach((sink, index) => {
    if (!isSink(sink))
      throw invalidOption(caller, Array.isArray(value) ? `${option}[${index}]` : option, sink, SINK_FIX);
  });
  return list as ActivitySink[];
}

/**
 * Validates activity settings once, at creation, and fills in the defaults. `value` is a sink, an array of
 * sinks or an options object; `prefix` is how the caller names it (`'activity'` in `logicalSession()`, empty
 * for `createActivityDispatcher()`, whose options also take a `logger`).
 */
export function resolveActivityOptions(caller: string, value: unknown, prefix: string): ActivityConfig {
  const name = (option: string): string => (prefix === '' ? option : `${prefix}.${option}`);
  const given: unknown = isSink(value) || Array.isArray(value) ? { sinks: value } : value;
  if (typeof given !== 'object' || given === null || !('sinks' in given)) {
    throw invalidOption(
      caller,
      prefix === '' ? 'options' : prefix,
      value,
      prefix === '' ? 'Pass { sinks: [sink] }.' : SHAPE_FIX,
    );
  }
  const options = given as Record<string, unknown>;
  rejectUnknown(
    caller,
    prefix === '' ? 'option' : 'activity option',
    options,
    prefix === '' ? DISPATCHER_NAMES : BATCHING_NAMES,
  );
  const batchSize = integerOption(caller, name('batchSize'), options.batchSize, { min: 1, fallback: 100 });
  const maxBuffer = integerOption(caller, name('maxBuffer'), options.maxBuffer, { min: 1, fallback: 10_000 });
  if (maxBuffer < batchSize) {
    throw invalidOption(
      caller,
      name('maxBuffer'),
      maxBuffer,
      `It must be at least \`batchSize\` (${batchSize}): raise maxBuffer or lower batchSize.`,
    );
  }
  return {
    sinks: sinkList(caller, name('sinks'), options.sinks),
    batchSize,
    flushInterval: integerOption(caller, name('flushInterval'), options.flushInterval, {
      min: 1,
      max: MAX_TIMER_MS,
      fallback: 1000,
    }),
    maxBuffer,
    writeTimeout: integerOption(caller, name('writeTimeout'), options.writeTimeout, {
      min: 1,
      max: MAX_TIMER_MS,
      fallback: 30_000,
    }),
  };
}

/** The dispatcher's own logger option: anything with `warn` and `error`. */
export function resolveDispatcherLogger(caller: string, value: unknown): ActivityDispatcherLogger | undefined {
  if (value === undefined) return undefined;
  if (hasMethods(value, ['warn', 'error'])) return value as ActivityDispatcherLogger;
  throw invalidOption(caller, 'logger', value, 'Pass a logger with warn() and error() methods, such as a pino logger.');
}
