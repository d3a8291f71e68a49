import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Duration } from './duration.js';
import { logHandledError, recordError } from './error-report.js';
import { describeError, respondWithId, type ErrorFacts, type ResponseOptions } from './error-response.js';
import { mountedRuntime } from './mounting.js';
import { exposeHeaderOption, hookTimeout } from './options.js';
import { stateOf, type RequestState } from './session-state.js';
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
 * Options of {@link sessionErrorHandler} and {@link notFoundHandler}. Every option is optional.
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
  /** Change the JSON body before it is sent (runs instead of the `enrichError` hook). Defaults to the hook. */
  enrich?: LogicalSessionHooks['enrichError'];
  /**
   * `'json'` (default) or `'problem'` for RFC 9457 `application/problem+json` with a `sessionId` member.
   * A browser that asks for HTML gets a small page with the ID either way.
   */
  format?: 'json' | 'problem';
  /** Text that tells the user what to do with the ID. Defaults to `'Please contact support with this session ID'`. */
  supportMessage?: string;
  /** Show thrown 5xx messages (never stacks) in responses; for development only. Defaults to `false`. */
  exposeErrors?: boolean;
  /**
   * Logger for errors handled before `logicalSession()` ran (a session store outage). Defaults to
   * logicalSession()'s logger, else pino-http's `req.log`, else `console.error` for 5xx errors.
   */
  logger?: LoggerLike;
  /**
   * Longest the response waits for `enrich` (or the `enrichError` hook) before it sends the default body,
   * when `logicalSession()` did not run for the request; otherwise its `hookTimeout` applies. Defaults to `'1s'`.
   */
  hookTimeout?: Duration;
  /**
   * The header that carries the ID, for requests `logicalSession()` did not see and whose app mounts
   * none; otherwise logicalSession()'s `exposeHeader` applies. Defaults to none.
   */
  exposeHeader?: string | boolean;
}

const DEFAULT_SUPPORT_MESSAGE = 'Please contact support with this session ID';

const OPTION_NAMES = optionNames({
  enrich: true,
  format: true,
  supportMessage: true,
  exposeErrors: true,
  logger: true,
  hookTimeout: true,
  exposeHeader: true,
} satisfies OptionNames<SessionErrorHandlerOptions>);

function resolveHandlerOptions(factory: string, options: unknown, argumentCount: number): ResponseOptions {
  assertCalled(factory, options, argumentCount);
  const caller = `${factory}()`;
  const given = optionsObject(caller, options, `${factory}() or ${factory}({ format: 'problem' })`);
  rejectUnknown(caller, 'option', given, OPTION_NAMES);
  if (given.format !== undefined && given.format !== 'json' && given.format !== 'problem') {
    throw invalidOption(caller, 'format', given.format, "Use 'json' or 'problem'.");
  }
  if (given.supportMessage !== undefined && typeof given.supportMessage !== 'string') {
    throw invalidOption(caller, 'supportMessage', given.supportMessage, 'Pass a string.');
  }
  if (given.logger !== undefined && !hasMethods(given.logger, ['error'])) {
    throw invalidOption(caller, 'logger', given.logger, 'Pass a pino logger, or anything with an error() method.');
  }
  const example = '(body, { err, req, sessionId, status }) => body';
  return {
    enrich: functionOption(caller, 'enrich', given.enrich, example) as ResponseOptions['enrich'],
    problem: given.format === 'problem',
    supportMessage: given.supportMessage ?? DEFAULT_SUPPORT_MESSAGE,
    exposeErrors: booleanOption(caller, 'exposeErrors', given.exposeErrors, false, 'Pass true or false.'),
    logger: given.logger as LoggerLike | undefined,
    hookTimeout: hookTimeout(caller, given.hookTimeout),
    exposeHeader: exposeHeaderOption(caller, given.exposeHeader),
  };
}

/**
 * Answers `facts` for this request with its logical ID: logged, recorded as activity `error` (also under
 * a request-scoped ID, when the session store failed), then sent.
 */
function answer(options: ResponseOptions, err: unknown, req: Request, res: Response, facts: ErrorFacts): void {
  const state: RequestState = stateOf(req);
  const runtime = state.runtime ?? mountedRuntime(req);
  const sessionId = state.sessionId;
  logHandledError(runtime, req, options.logger, err, state, facts.status);
  recordError(runtime, req, sessionId, facts.status, facts.shown);
  void respondWithId(options, runtime, res, { err, req, sessionId, status: facts.status }, facts);
}

/**
 * Express error middleware that answers with the logical session ID, so a user can quote it to
 * support. A browser gets a small HTML page with the ID; other clients `{ error, sessionId, message }`
 * (or problem+json). The `error` of a 5xx is the generic status text, never the thrown message or a
 * stack. Status from `err.status` / `err.statusCode` (4xx/5xx), 503 when the session store failed to
 * load the session, else 500. Hands over to `next(err)` when headers were already sent.
 *
 * @example
 * ```ts
 * app.use(sessionErrorHandler({ format: 'problem' }));
 * ```
 */
export function sessionErrorHandler(options?: SessionErrorHandlerOptions): ErrorRequestHandler {
  // arguments.length detects app.use(sessionErrorHandler), which Express calls with (req, res, next).
  const resolved = resolveHandlerOptions('sessionErrorHandler', options, arguments.length);
  return function logicalSessionErrorHandler(err: unknown, req: Request, res: Response, next: NextFunction): void {
    if (res.headersSent) {
      next(err);
      return;
    }
    let facts: ErrorFacts;
    try {
      facts = describeError(err, req, resolved.exposeErrors);
    } catch (failure) {
      // Nothing the handler reads should throw; if something does, Express's own handler answers.
      next(failure);
      return;
    }
    answer(resolved, err, req, res, facts);
  };
}

/**
 * Mounted after the routes: a 404 that carries the logical ID, in the same formats as
 * {@link sessionErrorHandler} (an HTML page for browsers, JSON or problem+json otherwise), recorded as
 * activity `error` with status 404.
 *
 * @example
 * ```ts
 * app.use(router);
 * app.use(notFoundHandler());
 * app.use(sessionErrorHandler());
 * ```
 */
export function notFoundHandler(options?: SessionErrorHandlerOptions): RequestHandler {
  const resolved = resolveHandlerOptions('notFoundHandler', options, arguments.length);
  return function logicalSessionNotFound(req: Request, res: Response): void {
    answer(resolved, undefined, req, res, { status: 404, shown: 'Not Found' });
  };
}
