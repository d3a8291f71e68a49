import type { Request } from 'express';
import type { RequestContext } from './context.js';
import { getState } from './session-state.js';
import type { LoggerLike } from './types.js';

type WithLog = Request & { log?: unknown };

const INSTALLED = Symbol('express-logical-session.log-accessor');

function installAccessor(proto: object): void {
  if (Object.hasOwn(proto, INSTALLED)) return;
  Object.defineProperty(proto, INSTALLED, { value: true });
  Object.defineProperty(proto, 'log', {
    configurable: true,
    enumerable: false,
    get(this: Request): LoggerLike | undefined {
      const context = getState(this)?.context;
      const b = context?.log;
      if (!context || !b) return undefined;
      if (b.child === undefined || b.boundId !== context.sessionId) {
        b.boundId = context.sessionId;
        try {
          b.child = b.parent.child({ sessionId: b.boundId });
        } catch {
          b.child = b.parent;
        }
      }
      return b.child;
    },
    set(this: Request, value: unknown) {
      const b = getState(this)?.context.log;
      if (b) {
        if (isLogger(value)) {
          b.parent = value;
          b.child = undefined;
        }
        return;
      }
      // A request this library did not bind: behave like a plain property.
      Object.defineProperty(this, 'log', { value, writable: true, enumerable: true, configurable: true });
    },
  });
}

function isLogger(value: unknown): value is LoggerLike {
  return typeof value === 'object' && value !== null && typeof (value as LoggerLike).child === 'function';
}

/**
 * Makes `req.log` a child logger bound with `sessionId`, parented on an existing `req.log`
 * (pino-http's) or the configured logger. The child is built on first use, not per request, and
 * rebuilt if the request rotates its ID.
 */
export function bindRequestLogger(req: Request, logger: LoggerLike, context: RequestContext): void {
  if (!Object.hasOwn(req, 'log')) {
    // The common case costs one object per request: the accessor lives on the app's request
    // prototype, installed once, and reads this request's binding.
    context.log = { parent: logger, child: undefined, boundId: undefined };
    installAccessor(Object.getPrototypeOf(req) as object);
    return;
  }
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
