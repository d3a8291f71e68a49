import { AsyncLocalStorage } from 'node:async_hooks';
import type { Request } from 'express';
import type { LoggerLike } from './types.js';

/**
 * What the async call tree of one request can see. The request's state (session-state.ts) is itself
 * the context: one object per request, not two.
 */
export interface RequestContext {
  /** Current logical ID; updated in place when the request rotates it. */
  sessionId: string;
  /** The logger `req.log` is a child of, when one is configured (see logging.ts). */
  logParent: LoggerLike | undefined;
  /** That child, built on the first read of `req.log` and rebuilt when the ID rotates. */
  logChild: LoggerLike | undefined;
  /** The ID `logChild` is bound with. */
  logBoundId: string | undefined;
}

export const storage = new AsyncLocalStorage<RequestContext>();

/**
 * The logical session ID of the request whose async call tree this code runs in, or `undefined`
 * outside a request. Needs no `req`: use it deep in services, repositories and log mixins.
 *
 * @example
 * ```ts
 * const logger = pino({ mixin: () => ({ sessionId: currentSessionId() }) });
 * ```
 */
export function currentSessionId(): string | undefined {
  return storage.getStore()?.sessionId;
}

/** Whether the request carries a body that stream consumers may still read. */
function hasBody(req: Request): boolean {
  return req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Runs `next` inside the request's context. For a request with a body, the request stream also
 * emits its events inside it: multipart and raw stream consumers registered after this middleware
 * resume from 'data'/'end' events, which Node emits from the connection's context, not the
 * request's. Requests without a body skip that wrapper, which matters on the hot path.
 */
export function runInContext(context: RequestContext, req: Request, next: () => void): void {
  if (hasBody(req)) {
    const emit = req.emit.bind(req) as (...args: unknown[]) => boolean;
    req.emit = ((...args: unknown[]) => storage.run(context, emit, ...args)) as Request['emit'];
  }
  storage.run(context, next);
}
