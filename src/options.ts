import type { Request } from 'express';
import type { ActivitySink } from './activity/types.js';
import { parseDuration } from './duration.js';
import { describeValue, ErrorCodes, LogicalSessionError } from './errors.js';
import type { ActivityOptions, LoggerLike, LogicalSessionHooks } from './types.js';

/** Options resolved once at creation; the request path reads only these plain values. */
export interface Configuration {
  readonly idleTimeout: number | false;
  readonly absoluteTimeout: number | false;
  readonly touchInterval: number;
  readonly lazy: boolean;
  readonly logger: LoggerLike | undefined;
  readonly exposeHeader: string | undefined;
  readonly generateId: ((req: Request) => string) | undefined;
  readonly hooks: Readonly<LogicalSessionHooks>;
  readonly activity: ResolvedActivity | undefined;
  readonly asyncContext: boolean;
  readonly now: () => number;
}

export interface ResolvedActivity {
  readonly sinks: readonly ActivitySink[];
  readonly batchSize: number | undefined;
  readonly flushInterval: number | undefined;
  readonly maxBuffer: number | undefined;
  readonly writeTimeout: number | undefined;
}

const OPTION_NAMES = [
  'idleTimeout',
  'absoluteTimeout',
  'touchInterval',
  'persist',
  'logger',
  'exposeHeader',
  'generateId',
  'hooks',
  'activity',
  'asyncContext',
  'now',
] as const;
const HOOK_NAMES = ['onSessionStart', 'onSessionEnd', 'onActivity', 'shouldRegenerate', 'enrichError'] as const;
const DEFAULT_HEADER = 'X-Session-Id';
const HEADER_TOKEN = /^[!#$%&'*+.^`|~\w-]+$/;

function invalid(option: string, value: unknown, fix: string): LogicalSessionError {
  return new LogicalSessionError(
    ErrorCodes.INVALID_OPTION,
    `logicalSession(): option \`${option}\` received ${describeValue(value)}. ${fix}`,
  );
}

/** Levenshtein distance, for "did you mean" on misspelt option names. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? Math.max(a.length, b.length);
}

/** Throws for names outside `known`, suggesting the closest known name. */
export function rejectUnknown(
  kind: string,
  given: object,
  known: readonly string[],
  caller = 'logicalSession()',
): void {
  for (const name of Object.keys(given)) {
    if (known.includes(name)) continue;
    const closest = [...known].sort((a, b) => distance(name, a) - distance(name, b))[0] ?? '';
    const hint =
      distance(name, closest) <= Math.max(2, Math.floor(closest.length / 3))
        ? `Did you mean \`${closest}\`?`
        : `Known ${kind}s: ${known.join(', ')}.`;
    throw new LogicalSessionError(ErrorCodes.UNKNOWN_OPTION, `${caller}: unknown ${kind} \`${name}\`. ${hint}`);
  }
}

function timeout(option: string, value: unknown, fallback: number | false): number | false {
  if (value === undefined) return fallback;
  if (value === false) return false;
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) {
    throw invalid(
      option,
      value,
      "Use milliseconds (a positive number) or a duration string such as '90s', '30m', '1h' or '7d', or false to disable.",
    );
  }
  return ms;
}

function touchInterval(value: unknown, idle: number | false): number {
  const ms =
    value === undefined ? Math.min(60_000, idle === false ? 60_000 : Math.floor(idle / 2)) : parseDuration(value);
  if (ms === undefined) {
    throw invalid('touchInterval', value, "Use milliseconds or a duration string such as '30s' or '1m'.");
  }
  if (idle !== false && ms >= idle) {
    throw invalid(
      'touchInterval',
      value,
      `It must be shorter than \`idleTimeout\` (${idle} ms), or sessions would time out between writes; '1m' suits a '30m' idleTimeout.`,
    );
  }
  return ms;
}

function isLogger(value: unknown): value is LoggerLike {
  if (typeof value !== 'object' || value === null) return false;
  const logger = value as Record<string, unknown>;
  return ['info', 'debug', 'warn', 'error', 'child'].every((method) => typeof logger[method] === 'function');
}

function exposeHeader(value: unknown): string | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return DEFAULT_HEADER;
  if (typeof value === 'string' && HEADER_TOKEN.test(value)) return value;
  throw invalid('exposeHeader', value, `Use a header name such as '${DEFAULT_HEADER}', true for that name, or false.`);
}

function hooks(value: unknown): Readonly<LogicalSessionHooks> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) {
    throw invalid('hooks', value, 'Pass an object of hook functions, e.g. { onSessionStart(event, req) { ... } }.');
  }
  rejectUnknown('hook', value, HOOK_NAMES);
  for (const [name, hook] of Object.entries(value)) {
    if (hook !== undefined && typeof hook !== 'function') {
      throw invalid(`hooks.${name}`, hook, `Pass a function (sync or async), e.g. ${name}(event, req) { ... }.`);
    }
  }
  return { ...(value as LogicalSessionHooks) };
}

function isSink(value: unknown): value is ActivitySink {
  return typeof value === 'object' && value !== null && typeof (value as ActivitySink).write === 'function';
}

function positiveInteger(option: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw invalid(option, value, 'Use a positive whole number.');
}

function activity(value: unknown): ResolvedActivity | undefined {
  if (value === undefined) return undefined;
  const options: Partial<ActivityOptions> =
    isSink(value) || Array.isArray(value) ? { sinks: value as ActivitySink[] } : (value as ActivityOptions);
  const sinks: unknown[] = Array.isArray(options.sinks) ? options.sinks : [options.sinks];
  if (typeof options !== 'object' || sinks.length === 0 || !sinks.every(isSink)) {
    throw invalid(
      'activity',
      value,
      'Pass a sink with a write(batch) method, an array of sinks, or { sinks, batchSize, flushInterval, maxBuffer, writeTimeout }.',
    );
  }
  rejectUnknown('activity option', options, ['sinks', 'batchSize', 'flushInterval', 'maxBuffer', 'writeTimeout']);
  return {
    sinks,
    batchSize: positiveInteger('activity.batchSize', options.batchSize),
    flushInterval: positiveInteger('activity.flushInterval', options.flushInterval),
    maxBuffer: positiveInteger('activity.maxBuffer', options.maxBuffer),
    writeTimeout: positiveInteger('activity.writeTimeout', options.writeTimeout),
  };
}

function functionOption(option: string, value: unknown, example: string): ((...args: never[]) => unknown) | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function') return value as (...args: never[]) => unknown;
  throw invalid(option, value, `Pass a function, e.g. ${example}.`);
}

function looksLikeRequest(value: object): boolean {
  return 'headers' in value && 'method' in value;
}

/** Validates every option once, at creation, into a {@link Configuration}. */
export function resolveOptions(options: unknown, extraArguments: number): Configuration {
  if (typeof options === 'object' && options !== null && (extraArguments > 0 || looksLikeRequest(options))) {
    throw new LogicalSessionError(
      ErrorCodes.NOT_CALLED,
      'It appears you have done `app.use(logicalSession)`, but it should be `app.use(logicalSession())`.',
    );
  }
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new LogicalSessionError(
      ErrorCodes.INVALID_OPTION,
      `logicalSession(): expected an options object, received ${describeValue(options)}. Call logicalSession() or logicalSession({ idleTimeout: '30m' }).`,
    );
  }
  const given = (options ?? {}) as Record<string, unknown>;
  rejectUnknown('option', given, OPTION_NAMES);
  const idleTimeout = timeout('idleTimeout', given.idleTimeout, 30 * 60_000);
  const persist = given.persist ?? 'eager';
  if (persist !== 'eager' && persist !== 'lazy') {
    throw invalid(
      'persist',
      given.persist,
      "Use 'eager' (store the ID on the first request) or 'lazy' (store it when the app first saves the session).",
    );
  }
  if (given.asyncContext !== undefined && typeof given.asyncContext !== 'boolean') {
    throw invalid(
      'asyncContext',
      given.asyncContext,
      'Pass true (currentSessionId() works) or false (it returns undefined, saving CPU on Node 20).',
    );
  }
  if (given.logger !== undefined && !isLogger(given.logger)) {
    throw invalid(
      'logger',
      given.logger,
      'Pass a pino logger, e.g. logger: pino(), or anything with info, debug, warn, error and child methods.',
    );
  }
  return {
    idleTimeout,
    absoluteTimeout: timeout('absoluteTimeout', given.absoluteTimeout, false),
    touchInterval: touchInterval(given.touchInterval, idleTimeout),
    lazy: persist === 'lazy',
    logger: given.logger,
    exposeHeader: exposeHeader(given.exposeHeader),
    generateId: functionOption(
      'generateId',
      given.generateId,
      '(req) => crypto.randomUUID()',
    ) as Configuration['generateId'],
    hooks: hooks(given.hooks),
    activity: activity(given.activity),
    asyncContext: given.asyncContext !== false,
    now: (functionOption('now', given.now, '() => Date.now()') as (() => number) | undefined) ?? Date.now,
  };
}
