import type { Request } from 'express';
import type { RequestContext } from './context.js';
import { getState } from './session-state.js';
import type { LoggerLike } from './types.js';

type WithLog = Request & { log?: unknown };

/** One request's `req.log`: the parent logger and the child bound with the current ID, built on first use. */
type LogBinding = NonNullable<RequestContext['log']>;

const INSTALLED = Symbol('express-logical-session.log-accessor');

function isLogger(value: unknown): value is LoggerLike {
  return typeof value === 'object' && value !== null && typeof (value as LoggerLike).child === 'function';
}

/** The child bound with the context's current ID, rebuilt when the request rotated its ID. */
function boundChild(binding: LogBinding, context: RequestContext): LoggerLike {
  if (binding.child === undefined || binding.boundId !== context.sessionId) {
    binding.boundId = context.sessionId;
    try {
      binding.child = binding.parent.child({ sessionId: binding.boundId });
    } catch {
      binding.child = binding.parent;
    }
  }
  return binding.child;
}

/** A new parent from `req.log = logger`: the next read binds a child of it. */
function replaceParent(binding: LogBinding, value: unknown): void {
  if (isLogger(value)) {
    binding.parent = value;
    binding.child = undefined;
  }
}

function installAccessor(proto: object): void {
  if (Object.hasOwn(proto, INSTALLED)) return;
  Object.defineProperty(proto, INSTALLED, { value: true });
  Object.defineProperty(proto, 'log', {
    configurable: true,
    enumerable: false,
    get(this: Request): LoggerLike | undefined {
      const context = getState(this)?.context;
      return context?.log ? boundChild(context.log, context) : undefined;
    },
    set(this: Request, value: unknown) {
      const binding = getState(this)?.context.log;
      if (binding) {
        replaceParent(binding, value);
        return;
      }
      // A request this library did not bind: behave like a plain property.
      Object.defineProperty(this, 'log', { value, writable: true, enumerable: true, configurable: true });
    },
  });
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
  // An own req.log (pino-http sets one) is the parent, and this request gets its own accessor.
  const existing = (req as WithLog).log;
  const binding: LogBinding = { parent: isLogger(existing) ? existing : logger, child: undefined, boundId: undefined };
  Object.defineProperty(req, 'log', {
    configurable: true,
    enumerable: true,
    get: (): LoggerLike => boundChild(binding, context),
    set: (value: unknown) => replaceParent(binding, value),
  });
}
