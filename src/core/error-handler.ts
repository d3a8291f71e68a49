import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { describeValue } from './errors.js';
import { randomId } from './ids.js';
import { recordActivity } from './lifecycle.js';
import { redact, redactError } from './redact.js';
import { recordFailure, safeLog, type Runtime } from './runtime.js';
import { getState, stateOf } from './session-state.js';
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
}

interface ResolvedHandlerOptions {
  readonly enrich: LogicalSessionHooks['enrichError'];
  readonly problem: boolean;
  readonly supportMessage: string;
  readonly exposeErrors: boolean;
  readonly logger: LoggerLike | undefined;
}

const DEFAULT_SUPPORT_MESSAGE = 'Please contact support with this session ID';

const CALLER = 'sessionErrorHandler()';
const OPTION_NAMES = optionNames({
  enrich: true,
  format: true,
  supportMessage: true,
  exposeErrors: true,
  logger: true,
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
  };
}

function statusOf(err: unknown, req: Request): number {
  const candidate = typeof err === 'object' && err !== null ? (err as { status?: unknown; statusCode?: unknown }) : {};
  const status = candidate.status ?? candidate.statusCode;
  if (typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599) return status;
  return sessionStoreFailed(req) ? 503 : 500;
}

/**
 * express-session sets `req.sessionStore` just before it asks the store for the session and
 * `req.session` once it has one; an error between the two, before `logicalSession()` ran, is the
 * store failing to load the session.
 */
function sessionStoreFailed(req: Request): boolean {
  const loaded = req as { sessionStore?: unknown; session?: unknown };
  return getState(req)?.runtime === undefined && loaded.sessionStore !== undefined && loaded.session === undefined;
}

function messageOf(err: unknown, status: number, expose: boolean, cookieSessionId: string | undefined): string {
  const exposable = (status < 500 && (err as { expose?: unknown } | null)?.expose === true) || expose;
  const message = exposable && err instanceof Error ? redact(err.message, cookieSessionId) : undefined;
  return message !== undefined && message !== '' ? message : (STATUS_CODES[status] ?? 'Error');
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
    const state = stateOf(req);
    const runtime = state.runtime;
    const sessionId = state.context.sessionId;
    const status = statusOf(err, req);
    const cookieSessionId = (req as { sessionID?: string }).sessionID;
    const error = messageOf(err, status, resolved.exposeErrors, cookieSessionId);
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
        details: { status, message: error },
        at: runtime.config.now(),
      });
    }
    const body: Record<string, unknown> = resolved.problem
      ? {
          type: 'about:blank',
          title: STATUS_CODES[status] ?? 'Error',
          status,
          detail: error,
          sessionId,
          message: resolved.supportMessage,
        }
      : { error, sessionId, message: resolved.supportMessage };
    void enrich(resolved, runtime, body, { err, req, sessionId, status }).then((final) => {
      if (res.headersSent) return;
      res.status(status);
      if (resolved.problem) res.type('application/problem+json');
      res.json(final);
    });
  };
}

async function enrich(
  resolved: ResolvedHandlerOptions,
  runtime: Runtime | undefined,
  body: Record<string, unknown>,
  context: Parameters<NonNullable<LogicalSessionHooks['enrichError']>>[1],
): Promise<Record<string, unknown>> {
  const enrichFn = resolved.enrich ?? runtime?.config.hooks.enrichError;
  if (!enrichFn) return body;
  try {
    const enriched: unknown = await enrichFn({ ...body }, context);
    if (typeof enriched === 'object' && enriched !== null) return enriched as Record<string, unknown>;
    throw new TypeError(`enrichError returned ${describeValue(enriched)}, not an object`);
  } catch (err) {
    recordFailure(
      runtime,
      'hookFailures',
      'express-logical-session: enrichError failed; sending the default error body',
      err,
    );
    return body;
  }
}
