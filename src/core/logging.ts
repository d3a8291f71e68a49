import type { Request } from 'express';
import type { RequestContext } from './context.js';
import { getState } from './session-state.js';
import type { LoggerLike } from './types.js';

type WithLog = Request & { log?: unknown };

const INSTALLED = Symbol('express-logical-session.log-accessor');

function isLogger(value: unknown): value is LoggerLike {
  return typeof value === 'object' && value !== null && typeof (value as LoggerLike).child === 'function';
}

/** The child of `context.logParent` bound with the current ID, rebuilt when the request rotated its ID. */
function boundChild(context: RequestContext, parent: LoggerLike): LoggerLike {
  if (context.logChild === undefined || context.logBoundId !== context.sessionId) {
    context.logBoundId = context.sessionId;
    try {
      context.logChild = parent.child({ sessionId: context.logBoundId });
    } catch {
      context.logChild = parent;
    }
  }
  return context.logChild;
}

/** A new parent from `req.log = logger`: the next read binds a child of it. */
function replaceParent(context: RequestContext, value: unknown): void {
  if (isLogger(value)) {
    context.logParent = value;
    context.logChild = undefined;
  }
}

function installAccessor(proto: object): void {
  if (Object.hasOwn(proto, INSTALLED)) return;
  Object.defineProperty(proto, INSTALLED, { value: true });
  Object.defineProperty(proto, 'log', {
    configurable: true,
    enumerable: false,
    get(this: Request): LoggerLike | undefined {
      const context = getState(this);
      const parent = context?.logParent;
      return parent === undefined ? undefined : boundChild(context as RequestContext, parent);
    },
    set(this: Request, value: unknown) {
      const context = getState(this);
      if (context?.logParent !== undefined) {
        replaceParent(context, value);
        return;
      }
      // A request this library did not bind: behave like a plain property.
      Object.defineProperty(this, 'log', { value, writable: true, enumerable: true, configurable: true });
    },
  });
}

/**
 * Makes `req.log` a child logger bound with the context's ID, parented on an existing `req.log`
 * (pino-http's) or the configured logger. The child is built on first use, not per request, and
 * rebuilt if the request rotates its ID.
 */
export function bindRequestLogger(req: Request, logger: LoggerLike, context: RequestContext): void {
  if (!Object.hasOwn(req, 'log')) {
    // The common case allocates nothing: the accessor lives on the app's request prototype,
    // installed once, and reads the parent from this request's context.
    context.logParent = logger;
    installAccessor(Object.getPrototypeOf(req) as object);
    return;
  }
  // An own req.log (pino-http sets one) is the parent, and this request gets its own accessor.
  const existing = (req as WithLog).log;
  context.logParent = isLogger(existing) ? existing : logger;
  Object.defineProperty(req, 'log', {
    configurable: true,
    enumerable: true,
    get: (): LoggerLike => boundChild(context, context.logParent ?? logger),
    set: (value: unknown) => replaceParent(context, value),
  });
}
