import { createRequire } from 'node:module';
import type { LoggerProviderLike, SpanLike } from './types.js';

/**
 * `@opentelemetry/api` and `@opentelemetry/api-logs` are optional peers, so they are looked up when a
 * processor is created rather than imported: without them the module still loads, and does nothing, which
 * is all there is to do when no SDK can be installed.
 */

/** A global logs API: `logs` of `@opentelemetry/api` 1.10, or of `@opentelemetry/api-logs` for SDK 2.x. */
export interface LogsApi {
  /** The registered provider, or a proxy whose loggers are disabled while none is registered. */
  getLoggerProvider(): LoggerProviderLike;
}

/** What the module uses of `@opentelemetry/api`. */
export interface OtelApi {
  readonly logs: LogsApi | undefined;
  /** The span a context holds: how the processor finds a span's parent. */
  readonly spanOf: ((context: unknown) => SpanLike | undefined) | undefined;
  /** OpenTelemetry's own channel for instrumentation problems (`diag.warn`). */
  readonly warn: ((message: string, err: unknown) => void) | undefined;
}

export type ModuleLoader = (name: string) => unknown;

function isNotFound(err: unknown, name: string): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  // Only the package itself being absent; a broken install of it should still fail loudly.
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${name}'`);
}

function optional(load: ModuleLoader, name: string): Record<string, unknown> | undefined {
  try {
    const loaded = load(name);
    return typeof loaded === 'object' && loaded !== null ? (loaded as Record<string, unknown>) : undefined;
  } catch (err) {
    if (isNotFound(err, name)) return undefined;
    throw err;
  }
}

function isLogsApi(value: unknown): value is LogsApi {
  return typeof (value as Partial<LogsApi> | undefined)?.getLoggerProvider === 'function';
}

type Method = (...args: never[]) => unknown;

function method(owner: unknown, name: string): Method | undefined {
  const value = (owner as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'function' ? (value.bind(owner) as Method) : undefined;
}

/**
 * Finds the APIs with `load` (a `require` from this package's own location, so it sees the copy the app
 * and its SDK share). api 1.10's `logs` wins; api 1.9 has none, and SDK 2.x registers its logger provider
 * through `@opentelemetry/api-logs`, whose global the 1.10 `logs` never sees.
 */
export function locateOtelApi(load: ModuleLoader): OtelApi {
  const api = optional(load, '@opentelemetry/api');
  const logs = isLogsApi(api?.logs) ? api.logs : optional(load, '@opentelemetry/api-logs')?.logs;
  const getSpan = method(api?.trace, 'getSpan') as ((context: unknown) => SpanLike | undefined) | undefined;
  const diagWarn = method(api?.diag, 'warn') as ((message: string, err: unknown) => void) | undefined;
  return { logs: isLogsApi(logs) ? logs : undefined, spanOf: getSpan, warn: diagWarn };
}

let warnedWithoutDiag = false;

/** Reports through OpenTelemetry's `diag` when the API is there; otherwise one process warning. */
export function failureReporter(api: OtelApi): (message: string, err: unknown) => void {
  return (message, err) => {
    if (api.warn) {
      api.warn(message, err);
    } else if (!warnedWithoutDiag) {
      warnedWithoutDiag = true;
      process.emitWarning(`${message}: ${String(err)}`);
    }
  };
}

let located: OtelApi | undefined;

/** The APIs as this package sees them, looked up once. */
export function otelApi(): OtelApi {
  located ??= locateOtelApi(createRequire(import.meta.url));
  return located;
}
