import { AsyncLocalStorage } from 'node:async_hooks';
import type { Request } from 'express';

/** What the async call tree of one request can see. */
export interface RequestContext {
  readonly req: Request;
  /** Current logical ID; updated in place when the request rotates it. */
  sessionId: string;
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

/**
 * Runs `next` inside the request's context, and makes the request stream emit its events inside it
 * too: body parsers registered after this middleware resume from 'data'/'end' events, which Node
 * emits from the connection's context, not the request's.
 */
export function runInContext(context: RequestContext, next: () => void): void {
  const req = context.req;
  const emit = req.emit.bind(req) as (...args: unknown[]) => boolean;
  req.emit = ((...args: unknown[]) => storage.run(context, emit, ...args)) as Request['emit'];
  storage.run(context, next);
}
