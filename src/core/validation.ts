import { parseDuration } from './duration.js';
import { describeValue, ErrorCodes, LogicalSessionError } from './errors.js';

/**
 * Option checks shared by every entry point (the core, the activity module and the modules to come), so
 * that every bad option fails at creation with one message style:
 * ``<caller>: option `<name>` received <value>. <fix>``.
 */

/** The error for an option with a bad value. `caller` names the entry point, e.g. `'logicalSession()'`. */
export function invalidOption(caller: string, option: string, value: unknown, fix: string): LogicalSessionError {
  return new LogicalSessionError(
    ErrorCodes.INVALID_OPTION,
    `${caller}: option \`${option}\` received ${describeValue(value)}. ${fix}`,
  );
}

/**
 * Every key of an options type, as `{ name: true, ... }`: written `{ ... } satisfies OptionNames<T>`, the
 * compiler refuses a missing or an extra name, so the unknown-option check cannot fall behind the type.
 */
export type OptionNames<T> = { readonly [K in keyof T]-?: true };

/** The names of an {@link OptionNames} record, for `rejectUnknown`. */
export function optionNames(names: Readonly<Record<string, true>>): readonly string[] {
  return Object.keys(names);
}

/** Levenshtein distance, case-insensitive, for "did you mean" on misspelt names. */
function editDistance(from: string, to: string): number {
  let previous = Array.from({ length: to.length + 1 }, (_, index) => index);
  for (let i = 1; i <= from.length; i++) {
    const current = [i];
    for (let j = 1; j <= to.length; j++) {
      const cost = from[i - 1]?.toLowerCase() === to[j - 1]?.toLowerCase() ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[to.length] ?? Math.max(from.length, to.length);
}

/** Throws `ERR_ELS_UNKNOWN_OPTION` for a name outside `known`, suggesting the closest known name. */
export function rejectUnknown(caller: string, kind: string, given: object, known: readonly string[]): void {
  for (const name of Object.keys(given)) {
    if (known.includes(name)) continue;
    const closest = [...known].sort((a, b) => editDistance(name, a) - editDistance(name, b))[0] ?? '';
    const hint =
      editDistance(name, closest) <= Math.max(2, Math.floor(closest.length / 3))
        ? `Did you mean \`${closest}\`?`
        : `Known ${kind}s: ${known.join(', ')}.`;
    throw new LogicalSessionError(ErrorCodes.UNKNOWN_OPTION, `${caller}: unknown ${kind} \`${name}\`. ${hint}`);
  }
}

function looksLikeRequest(value: object): boolean {
  return 'headers' in value && 'method' in value;
}

/**
 * Catches a factory mounted without its call, `app.use(logicalSession)`: Express then calls the factory
 * itself with `(req, res, next)` (or `(err, req, res, next)`), so the "options" are a request or more
 * arguments than one arrived.
 */
export function assertCalled(factory: string, options: unknown, argumentCount: number): void {
  if (typeof options !== 'object' || options === null) return;
  if (argumentCount > 1 || looksLikeRequest(options)) {
    throw new LogicalSessionError(
      ErrorCodes.NOT_CALLED,
      `It appears you have done \`app.use(${factory})\`, but it should be \`app.use(${factory}())\`.`,
    );
  }
}

/** The options object of a factory (`{}` for none); anything else is refused with an example call. */
export function optionsObject(caller: string, options: unknown, example: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options === 'object' && options !== null && !Array.isArray(options)) {
    return options as Record<string, unknown>;
  }
  throw new LogicalSessionError(
    ErrorCodes.INVALID_OPTION,
    `${caller}: expected an options object, received ${describeValue(options)}. Call ${example}.`,
  );
}

/** `setTimeout` and `setInterval` turn delays above 2^31-1 ms into 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

export interface IntegerBounds {
  readonly min: number;
  readonly max?: number;
  /** Returned for `undefined`; without one, `undefined` is refused. */
  readonly fallback?: number;
}

/** A whole number within bounds, or the fallback when the option is unset. */
export function integerOption(caller: string, option: string, value: unknown, bounds: IntegerBounds): number {
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (value === undefined && bounds.fallback !== undefined) return bounds.fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= bounds.min && value <= max) return value;
  const range =
    bounds.min === 1 ? `a positive whole number up to ${max}` : `a whole number from ${bounds.min} to ${max}`;
  const fallback = bounds.fallback === undefined ? '' : ` (the default is ${bounds.fallback})`;
  throw invalidOption(caller, option, value, `Use ${range}${fallback}.`);
}

const DURATION_FIX = "Use milliseconds (a positive number) or a duration string such as '90s', '30m', '1h' or '7d'";

/** A positive duration in ms; `false` too when `allowFalse`. */
export function durationOption(
  caller: string,
  option: string,
  value: unknown,
  settings: { readonly fallback: number | false; readonly allowFalse?: boolean; readonly max?: number },
): number | false {
  if (value === undefined) return settings.fallback;
  if (value === false && settings.allowFalse === true) return false;
  const ms = parseDuration(value);
  if (ms !== undefined && ms > 0 && ms <= (settings.max ?? Number.MAX_SAFE_INTEGER)) return ms;
  const upTo = settings.max === undefined ? '' : ` of at most ${settings.max} ms`;
  throw invalidOption(
    caller,
    option,
    value,
    `${DURATION_FIX}${upTo}${settings.allowFalse === true ? ', or false to disable' : ''}.`,
  );
}

/** A function, or `undefined` when unset. */
export function functionOption(
  caller: string,
  option: string,
  value: unknown,
  example: string,
): ((...args: never[]) => unknown) | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function') return value as (...args: never[]) => unknown;
  throw invalidOption(caller, option, value, `Pass a function, e.g. ${example}.`);
}

/** A boolean, or the fallback when unset. */
export function booleanOption(caller: string, option: string, value: unknown, fallback: boolean, fix: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw invalidOption(caller, option, value, fix);
}

/** Whether `value` has every one of `methods` as a function. */
export function hasMethods(value: unknown, methods: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return methods.every((method) => typeof record[method] === 'function');
}

/** The methods the library calls on a logger (a pino logger has them all). */
export const LOGGER_METHODS = ['info', 'debug', 'warn', 'error', 'child'] as const;

/** An activity sink: an object with a `write(batch)` method. */
export function isSink(value: unknown): boolean {
  return hasMethods(value, ['write']);
}

/** The error for a function argument the library cannot use. */
export function invalidArgument(caller: string, argument: string, value: unknown, fix: string): LogicalSessionError {
  return new LogicalSessionError(
    ErrorCodes.INVALID_ARGUMENT,
    `${caller}: argument \`${argument}\` received ${describeValue(value)}. ${fix}`,
  );
}

const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,49}$/;

/**
 * A table name: the one part of the SQL that cannot be bound as a parameter, so it must be a plain
 * identifier. Checked once, at construction.
 */
export function tableNameOption(caller: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && SQL_IDENTIFIER.test(value)) return value;
  throw invalidOption(
    caller,
    'table',
    value,
    `Use letters, digits and _ only, not starting with a digit, at most 50 characters (e.g. "${fallback}"); set search_path for another PostgreSQL schema.`,
  );
}
