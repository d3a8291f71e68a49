import type { Request } from 'express';
import { randomId } from './ids.js';
import { recordActivity } from './lifecycle.js';
import { readSafely, redactError } from './redact.js';
import { safeLog, type Runtime } from './runtime.js';
import type { RequestState } from './session-state.js';
import type { LoggerLike } from './types.js';

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

/**
 * Where the request went, for an error record: the method, the matched route's pattern (or the path, never
 * the query string) and the request ID when a logger such as pino-http assigned one.
 */
export function requestFacts(req: Request): { method?: string; route?: string; requestId?: string } {
  const route = readSafely(req, 'route') as { path?: unknown } | undefined;
  const pattern =
    typeof route?.path === 'string' ? `${textOf(readSafely(req, 'baseUrl')) ?? ''}${route.path}` : undefined;
  const facts: { method?: string; route?: string; requestId?: string } = {};
  const method = textOf(readSafely(req, 'method'));
  if (method !== undefined) facts.method = method;
  const where = pattern ?? textOf(readSafely(req, 'path'));
  if (where !== undefined) facts.route = where;
  const requestId = textOf(readSafely(req, 'id'));
  if (requestId !== undefined) facts.requestId = requestId;
  return facts;
}

/** Records a handled error as activity `error` of the logical session (also a request-scoped one). */
export function recordError(
  runtime: Runtime | undefined,
  req: Request,
  sessionId: string,
  status: number,
  message: string,
): void {
  if (!runtime) return;
  const details = { status, message, ...requestFacts(req) };
  recordActivity(runtime, req, { eventId: randomId(), sessionId, type: 'error', details, at: runtime.config.now() });
}

function isErrorLogger(value: unknown): value is LoggerLike {
  return typeof (value as LoggerLike | undefined)?.error === 'function';
}

/**
 * Logs a handled error: a 5xx at `error` with its stack, a 4xx at `warn` without it (the client's
 * mistake, not the server's). With logicalSession()'s logger when there is one; otherwise with the
 * handler's `logger`, else pino-http's `req.log`; with none of them, a 5xx goes to `console.error`, as
 * Express's own handler does (not when the app's env is `test`). Never throws.
 */
export function logHandledError(
  runtime: Runtime | undefined,
  req: Request,
  fallbackLogger: LoggerLike | undefined,
  err: unknown,
  state: RequestState,
  status: number,
): void {
  const cookieSessionId = textOf(readSafely(req, 'sessionID'));
  const logged = redactError(err, cookieSessionId);
  if (status < 500 && typeof logged === 'object' && logged !== null) delete (logged as { stack?: unknown }).stack;
  const fields = { err: logged, sessionId: state.sessionId, status, persistent: state.persistent };
  const level = status >= 500 ? 'error' : 'warn';
  const message = status >= 500 ? 'request failed' : 'request rejected';
  if (runtime?.config.logger) {
    safeLog(runtime, level, fields, message);
    return;
  }
  const requestLogger: unknown = readSafely(req, 'log');
  const logger = fallbackLogger ?? (isErrorLogger(requestLogger) ? requestLogger : undefined);
  try {
    if (logger && level === 'warn' && typeof logger.warn === 'function') {
      logger.warn(fields, message);
    } else if (logger) {
      logger.error(fields, message);
    } else if (status >= 500 && appEnv(req) !== 'test') {
      const stack = readSafely(logged as object, 'stack');
      console.error(`${message} (session ${state.sessionId}):`, typeof stack === 'string' ? stack : logged);
    }
  } catch {
    // a broken logger must not break the error response
  }
}

function appEnv(req: Request): unknown {
  const app = readSafely(req, 'app') as { get?: (name: string) => unknown } | undefined;
  return typeof app?.get === 'function' ? app.get('env') : process.env.NODE_ENV;
}
