import type { Request } from 'express';
import type { RequestContext } from './context.js';
import type { LoggerLike } from './types.js';

type WithLog = Request & { log?: unknown };

function isLogger(value: unknown): value is LoggerLike {
  return typeof value === 'object' && value !== null && typeof (value as LoggerLike).child === 'function';
}

/**
 * Makes `req.log` a child logger bound with `sessionId`, parented on an existing `req.log`
 * (pino-http's) or the configured logger. The child is built on first use, not per request, and
 * rebuilt if the request rotates its ID.
 */
export function bindRequestLogger(req: Request, logger: LoggerLike, context: RequestContext): void {
  const existing = (req as WithLog).log;
  let parent: LoggerLike = isLogger(existing) ? existing : logger;
  let child: LoggerLike | undefined;
  let boundId: string | undefined;
  Object.defineProperty(req, 'log', {
    configurable: true,
    enumerable: true,
    get(): LoggerLike {
      if (child === undefined || boundId !== context.sessionId) {
        boundId = context.sessionId;
        try {
          child = parent.child({ sessionId: boundId });
        } catch {
          child = parent;
        }
      }
      return child;
    },
    set(value: unknown) {
      if (isLogger(value)) {
        parent = value;
        child = undefined;
      }
    },
  });
}
