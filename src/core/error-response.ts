import { ServerResponse, STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { DeadlineExceeded, withDeadline } from './deadline.js';
import { ERROR_PAGE_CSP, renderErrorPage } from './error-page.js';
import { exposeToCors } from './headers.js';
import { describeValue } from './errors.js';
import { readSafely, redact } from './redact.js';
import { recordFailure, type Runtime } from './runtime.js';
import { getState } from './session-state.js';
import type { EnrichErrorContext, LogicalSessionHooks, LoggerLike } from './types.js';

/** The options the error responses are built from, resolved once (shared by both handlers). */
export interface ResponseOptions {
  readonly enrich: LogicalSessionHooks['enrichError'];
  readonly problem: boolean;
  readonly supportMessage: string;
  readonly exposeErrors: boolean;
  readonly logger: LoggerLike | undefined;
  readonly hookTimeout: number;
  readonly exposeHeader: string | undefined;
}

/** What the handler needs to know of a thrown value, read without trusting its shape. */
export interface ErrorFacts {
  readonly status: number;
  /** The text the response may show: the generic status text unless the error may be exposed. */
  readonly shown: string;
}

function isHttpStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599;
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

/**
 * Status and shown text of anything thrown: an `Error`, a plain object, a string, a Proxy, an object whose
 * getters throw. Status from `status` / `statusCode` when it is 4xx/5xx, 503 when the session store failed
 * to load the session, else 500. A 5xx shows the generic status text unless `exposeErrors`; a 4xx shows
 * its message when the error says `expose`.
 */
export function describeError(err: unknown, req: Request, exposeErrors: boolean): ErrorFacts {
  const holder = typeof err === 'object' && err !== null ? err : undefined;
  const declared = holder && (readSafely(holder, 'status') ?? readSafely(holder, 'statusCode'));
  const status = isHttpStatus(declared) ? declared : sessionStoreFailed(req) ? 503 : 500;
  const exposable = holder !== undefined && ((status < 500 && readSafely(holder, 'expose') === true) || exposeErrors);
  const message = exposable ? readSafely(holder, 'message') : undefined;
  const cookieSessionId = readSafely(req, 'sessionID');
  const shown =
    typeof message === 'string' && message !== ''
      ? redact(message, typeof cookieSessionId === 'string' ? cookieSessionId : undefined)
      : (STATUS_CODES[status] ?? 'Error');
  return { status, shown };
}

/** The default body: `{ error, sessionId, message }`, or RFC 9457 problem details with `sessionId`. */
export function defaultBody(options: ResponseOptions, facts: ErrorFacts, sessionId: string): Record<string, unknown> {
  const title = STATUS_CODES[facts.status] ?? 'Error';
  return options.problem
    ? {
        type: 'about:blank',
        title,
        status: facts.status,
        detail: facts.shown,
        sessionId,
        message: options.supportMessage,
      }
    : { error: facts.shown, sessionId, message: options.supportMessage };
}

/** JSON of the body, or `undefined` when it cannot be serialized (circular, BigInt, a throwing toJSON). */
export function serializeBody(body: unknown): string | undefined {
  try {
    const text = JSON.stringify(body) as string | undefined;
    return typeof text === 'string' ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends a finished payload. Returns the error when sending threw: express-session saves the session
 * inside `res.end`, and a store whose `set` throws there leaves express-session's `end` marked as done
 * without writing; the response is then finished with Node's own `end`, so the client is not left waiting.
 */
export function sendPayload(res: Response, status: number, contentType: string, payload: string): unknown {
  try {
    res.status(status);
    res.setHeader('Content-Type', contentType);
    res.send(payload);
    return undefined;
  } catch (err) {
    if (!res.writableEnded) {
      try {
        // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the response as `this`
        const end = ServerResponse.prototype.end as (this: ServerResponse, chunk?: string) => ServerResponse;
        end.call(res, res.headersSent ? undefined : payload);
      } catch {
        res.destroy();
      }
    }
    return err;
  }
}

/** Whether the client is a browser that asks for a page (`Accept` prefers HTML over JSON). */
function wantsHtml(req: Request): boolean {
  const accept = readSafely(req, 'headers') as Record<string, unknown> | undefined;
  if (typeof accept?.accept !== 'string' || !accept.accept.includes('html')) return false;
  return req.accepts(['application/json', 'application/problem+json', 'text/html']) === 'text/html';
}

/** Runs `enrich` (or the `enrichError` hook) within `hookTimeout`; any failure gives the default body. */
async function enrich(
  options: ResponseOptions,
  runtime: Runtime | undefined,
  body: Record<string, unknown>,
  context: EnrichErrorContext,
): Promise<Record<string, unknown>> {
  const enrichFn = options.enrich ?? runtime?.config.hooks.enrichError;
  if (!enrichFn) return body;
  const timeout = runtime?.config.hookTimeout ?? options.hookTimeout;
  try {
    const work = Promise.resolve().then(() => enrichFn({ ...body }, context));
    const enriched: unknown = await withDeadline(work, timeout, 'enrichError');
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

/**
 * Answers with the ID: an HTML page for a browser, else JSON or problem+json (after `enrich`). A body
 * that cannot be serialized is replaced by the default one, and nothing throws out of here.
 */
export async function respondWithId(
  options: ResponseOptions,
  runtime: Runtime | undefined,
  res: Response,
  context: EnrichErrorContext,
  facts: ErrorFacts,
): Promise<void> {
  const { req, sessionId, status } = context;
  if (res.headersSent) return;
  const header = runtime?.config.exposeHeader ?? options.exposeHeader;
  if (header !== undefined) {
    res.setHeader(header, sessionId);
    if (runtime?.config.corsExposeHeader === true) exposeToCors(res, header);
  }
  const fallback = defaultBody(options, facts, sessionId);
  if (wantsHtml(req)) {
    res.setHeader('Content-Security-Policy', ERROR_PAGE_CSP);
    const title = STATUS_CODES[status] ?? 'Error';
    const page = renderErrorPage({
      status,
      title,
      detail: facts.shown,
      sessionId,
      supportMessage: options.supportMessage,
    });
    report(runtime, req, sendPayload(res, status, 'text/html', page));
    return;
  }
  const final = await enrich(options, runtime, fallback, context);
  // Something else may have answered while enrich ran.
  if (headersSent(res)) return;
  let payload = serializeBody(final);
  if (payload === undefined) {
    const failure = new TypeError('the body enrichError returned cannot be serialized as JSON');
    const message = 'express-logical-session: the enriched error body could not be sent; sending the default body';
    recordFailure(runtime, 'hookFailures', message, failure, {}, req);
    payload = serializeBody(fallback) ?? '{}';
  }
  report(
    runtime,
    req,
    sendPayload(res, status, options.problem ? 'application/problem+json' : 'application/json', payload),
  );
}

function headersSent(res: Response): boolean {
  return res.headersSent;
}

function report(runtime: Runtime | undefined, req: Request, failed: unknown): void {
  if (failed === undefined) return;
  const message = 'express-logical-session: sending the error response failed (a store that threw while saving?)';
  recordFailure(runtime, 'storeFailures', message, failed, {}, req);
}
