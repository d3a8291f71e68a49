import type { Request } from 'express';
import type { LiveSession } from './session-state.js';

/** Whether `req.session` is express-session's (another middleware may have set a plain object). */
export function isExpressSession(session: LiveSession): boolean {
  return (
    typeof session.save === 'function' &&
    typeof session.reload === 'function' &&
    typeof session.regenerate === 'function' &&
    typeof session.destroy === 'function'
  );
}

interface Layer {
  readonly name?: unknown;
  readonly handle?: unknown;
}

/** The middleware stack of an app or router: `_router.stack` on Express 4, `router.stack` on Express 5. */
function stackOf(handler: unknown): readonly Layer[] {
  if (typeof handler !== 'function' && (typeof handler !== 'object' || handler === null)) return [];
  const holder = handler as { stack?: unknown; _router?: { stack?: unknown }; router?: { stack?: unknown } };
  const stack = holder.stack ?? holder._router?.stack ?? holder.router?.stack;
  return Array.isArray(stack) ? (stack as Layer[]) : [];
}

function containsSession(handler: unknown, depth: number): boolean {
  if (depth > 5) return false;
  return stackOf(handler).some(
    (layer) => layer.name === 'session' || (layer.handle !== handler && containsSession(layer.handle, depth + 1)),
  );
}

/**
 * Whether express-session's middleware (the function it returns is named `session`) is, or may be,
 * mounted for this request: found in its Express app, the app's parents or their routers. express-session
 * leaves no trace on a request it skips on purpose (a URL outside `cookie.path`, a disconnected store),
 * so this tells a skip from a missing mount. Outside Express (a bare `http` server, connect) there is no
 * app to look in, and a skip is assumed. Asked only for requests without a session before any request
 * had one.
 */
export function sessionMiddlewareMounted(req: Request): boolean {
  if ((req as { app?: unknown }).app === undefined) return true;
  for (let app: unknown = req.app, hops = 0; app !== undefined && hops < 5; hops++) {
    if (containsSession(app, 0)) return true;
    app = (app as { parent?: unknown }).parent;
  }
  return false;
}
