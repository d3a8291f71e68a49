import { ServerResponse, STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { readSafely, redact } from './redact.js';
import { getState } from './session-state.js';

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
