import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { DeadlineExceeded, withDeadline } from './deadline.js';
import { describeError, sendPayload, serializeBody, type ErrorFacts } from './error-response.js';
import { describeValue } from './errors.js';
import { randomId } from './ids.js';
import { recordActivity } from './lifecycle.js';
import { hookTimeout } from './options.js';
import { redactError } from './redact.js';
import { recordFailure, safeLog, type Runtime } from './runtime.js';
import { stateOf, type RequestState } from './session-state.js';
import type { Duration } from './duration.js';
import type { LogicalSessionHooks, LoggerLike } from './types.js';
import {
  assertCalled,
  booleanOption,
  functionOption,
  hasMethods,
  invalidOption,
  optionNames,
  type OptionNames,
  optionsObject,
  rejectUnknown,
} from './validation.js';

/**
 * Options of {@link sessionErrorHandler}. Every option is optional.
 *
 * @example
 * ```ts
 * const options: SessionErrorHandlerOptions = {
 *   format: 'problem',
 *   supportMessage: 'Quote this ID when you contact us',
 *   exposeErrors: process.env.NODE_ENV === 'development',
 * };
 * app.use(sessionErrorHandler(options));
 * ```
 */
export interface SessionErrorHandlerOptions {
  /** Change the body before it is sent (runs instead of the `enrichError` hook). Defaults to the hook. */
  enrich?: LogicalSessionHooks['enrichError'];
  /** `'json'` (default) or `'problem'` for RFC 9457 `application/problem+json` with a `sessionId` member. */
  format?: 'json' | 'problem';
  /** Text that tells the user what to do with the ID. Defaults to `'Please contact support with this session ID'`. */
  supportMessage?: string;
  /** Show thrown 5xx messages (never stacks) in responses; for development only. Defaults to `false`. */
  exposeErrors?: boolean;
  /**
   * Logger for errors handled before `logicalSession()` ran (a session store outage). Defaults to
   * logicalSession()'s logger when it ran, else pino-http's `req.log` when present.
   */
  logger?: LoggerLike;
  /**
   * Longest the response waits for `enrich` (or the `enrichError` hook) before it sends the default body,
   * when `logicalSession()` did not run for the request; otherwise its `hookTimeout` applies. Defaults to `'1s'`.
   */
  hookTimeout?: Duration;
}

interface ResolvedHandlerOptions {
  readonly enrich: LogicalSessionHooks['enrichError'];
  readonly problem: boolean;
  readonly supportMessage: string;
  readonly exposeErrors: boolean;
  readonly logger: LoggerLike | undefined;
  readonly hookTimeout: number;
}

const DEFAULT_SUPPORT_MESSAGE = 'Please contact support with this session ID';

const CALLER = 'sessionErrorHandler()';
const OPTION_NAMES = optionNames({
  enrich: true,
  format: true,
  supportMessage: true,
  exposeErrors: true,
  logger: true,
  hookTimeout: true,
} satisfies OptionNames<SessionErrorHandlerOptions>);

function resolveHandlerOptions(options: unknown, argumentCount: number): ResolvedHandlerOptions {
  assertCalled('sessionErrorHandler', options, argumentCount);
  const given = optionsObject(CALLER, options, "sessionErrorHandler() or sessionErrorHandler({ format: 'problem' })");
  rejectUnknown(CALLER, 'option', given, OPTION_NAMES);
  if (given.format !== undefined && given.format !== 'json' && given.format !== 'problem') {
    throw invalidOption(CALLER, 'format', given.format, "Use 'json' or 'problem'.");
  }
  if (given.supportMessage !== undefined && typeof given.supportMessage !== 'string') {
    throw invalidOption(CALLER, 'supportMessage', given.supportMessage, 'Pass a string.');
  }
  if (given.logger !== undefined && !hasMethods(given.logger, ['error'])) {
    throw invalidOption(CALLER, 'logger', given.logger, 'Pass a pino logger, or anything with an error() method.');
  }
  return {
    enrich: functionOption(
      CALLER,
      'enrich',
      given.enrich,
      '(body, { err, req, sessionId, status }) => body',
    ) as ResolvedHandlerOptions['enrich'],
    problem: given.format === 'problem',
    supportMessage: given.supportMessage ?? DEFAULT_SUPPORT_MESSAGE,
    exposeErrors: booleanOption(CALLER, 'exposeErrors', given.exposeErrors, false, 'Pass true or false.'),
    logger: given.logger as LoggerLike | undefined,
    hookTimeout: hookTimeout(CALLER, given.hookTimeout),
  };
}

/**
 * Logs with logicalSession()'s logger when it ran for this request; otherwise (the store failed
 * before it could) with this handler's `logger`, else pino-http's `req.log`.
 */
function logError(
  runtime: Runtime | undefined,
  req: Request,
  logger: LoggerLike | undefined,
  fields: object,
  message: string,
): void {
  if (runtime?.config.logger) {
    safeLog(runtime, 'error', fields, message);
    return;
  }
  const requestLogger = (req as { log?: unknown }).log;
  const fallback =
    logger ??
    (typeof (requestLogger as LoggerLike | undefined)?.error === 'function'
      ? (requestLogger as LoggerLike)
      : undefined);
  try {
    fallback?.error(fields, message);
  } catch {
    // a broken logger must not break the error response
  }
}

/**
 * Express error middleware that answers with the logical session ID, so a user can quote it to
 * support. Default body: `{ error, sessionId, message }`; the `error` of a 5xx is the generic
 * status text, never the thrown message or a stack. Status from `err.status` / `err.statusCode`
 * (4xx/5xx), 503 when the session store failed to load the session, else 500. Hands over to
 * `next(err)` when headers were already sent.
 *
 * @example
 * ```ts
 * app.use(sessionErrorHandler({ format: 'problem' }));
 * ```
 */
export function sessionErrorHandler(options?: SessionErrorHandlerOptions): ErrorRequestHandler {
  // arguments.length detects app.use(sessionErrorHandler), which Express calls with (req, res, next).
  const resolved = resolveHandlerOptions(options, arguments.length);
  return function logicalSessionErrorHandler(err: unknown, req: Request, res: Response, next: NextFunction): void {
    if (res.headersSent) {
      next(err);
      return;
    }
    let state: RequestState;
    let facts: ErrorFacts;
    try {
      state = stateOf(req);
      facts = describeError(err, req, resolved.exposeErrors);
    } catch (failure) {
      // Nothing the handler reads should throw; if something does, Express's own handler answers.
      next(failure);
      return;
    }
    const { runtime } = state;
    const sessionId = state.context.sessionId;
    const { status, shown } = facts;
    const cookieSessionId = typeof req.sessionID === 'string' ? req.sessionID : undefined;
    logError(
      runtime,
      req,
      resolved.logger,
      { err: redactError(err, cookieSessionId), sessionId, status, persistent: state.persistent },
      status >= 500 ? 'request failed' : 'request rejected',
    );
    if (runtime) {
      recordActivity(runtime, req, {
        eventId: randomId(),
        sessionId,
        type: 'error',
        details: { status, message: shown },
        at: runtime.config.now(),
      });
    }
    const body: Record<string, unknown> = resolved.problem
      ? {
          type: 'about:blank',
          title: STATUS_CODES[status] ?? 'Error',
          status,
          detail: shown,
          sessionId,
          message: resolved.supportMessage,
        }
      : { error: shown, sessionId, message: resolved.supportMessage };
    void enrich(resolved, runtime, body, { err, req, sessionId, status }).then((final) => {
      if (res.headersSent) return;
      send(resolved, runtime, req, res, status, final, body);
    });
  };
}

/** Sends the body; one that cannot be serialized is replaced by the default body, and nothing throws. */
function send(
  resolved: ResolvedHandlerOptions,
  runtime: Runtime | undefined,
  req: Request,
  res: Response,
  status: number,
  final: Record<string, unknown>,
  fallback: Record<string, unknown>,
): void {
  let payload = serializeBody(final);
  if (payload === undefined) {
    const failure = new TypeError('the body enrichError returned cannot be serialized as JSON');
    recordFailure(
      runtime,
      'hookFailures',
      'express-logical-session: the enriched error body could not be sent; sending the default body',
      failure,
      {},
      req,
    );
    payload = serializeBody(fallback) ?? '{}';
  }
  const failed = sendPayload(res, status, resolved.problem ? 'application/problem+json' : 'application/json', payload);
  if (failed !== undefined) {
    recordFailure(
      runtime,
      'storeFailures',
      'express-logical-session: sending the error response failed (a store that threw while saving?)',
      failed,
      {},
      req,
    );
  }
}

async function enrich(
  resolved: ResolvedHandlerOptions,
  runtime: Runtime | undefined,
  body: Record<string, unknown>,
  context: Parameters<NonNullable<LogicalSessionHooks['enrichError']>>[1],
): Promise<Record<string, unknown>> {
  const enrichFn = resolved.enrich ?? runtime?.config.hooks.enrichError;
  if (!enrichFn) return body;
  const timeout = runtime?.config.hookTimeout ?? resolved.hookTimeout;
  try {
    const enriched: unknown = await withDeadline(
      Promise.resolve().then(() => enrichFn({ ...body }, context)),
      timeout,
      'enrichError',
    );
    if (typeof enriched === 'object' && enriched !== null) return enriched as Record<string, unknown>;
    throw new TypeError(`enrichError returned ${describeValue(enriched)}, not an object`);
  } catch (err) {
    const message =
      err instanceof DeadlineExceeded
        ? `express-logical-session: enrichError did not settle within ${timeout} ms; sending the default error body`
        : 'express-logical-session: enrichError failed; sending the default error body';
    recordFailure(runtime, 'hookFailures', message, err, {}, context.req);
    return body;
  }
}
