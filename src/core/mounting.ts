import type { Request } from 'express';
import { runtimeOfMiddleware, type Runtime } from './runtime.js';
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

/** The first layer handle in the stack tree (depth-first, in order) that `matches`. */
function findHandle(handler: unknown, matches: (layer: Layer) => boolean, depth: number): Layer | undefined {
  if (depth > 5) return undefined;
  for (const layer of stackOf(handler)) {
    if (matches(layer)) return layer;
    const inner = layer.handle !== handler ? findHandle(layer.handle, matches, depth + 1) : undefined;
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/** The request's Express app and its parents, innermost first. */
function* appsOf(req: Request): Generator {
  for (let app: unknown = (req as { app?: unknown }).app, hops = 0; app !== undefined && hops < 5; hops++) {
    yield app;
    app = (app as { parent?: unknown }).parent;
  }
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
  for (const app of appsOf(req)) {
    if (findHandle(app, (layer) => layer.name === 'session', 0) !== undefined) return true;
  }
  return false;
}

const MOUNTED = new WeakMap<object, Runtime | null>();

/**
 * The runtime of the `logicalSession()` mounted in the request's app, for a request it did not see (an
 * error raised before it ran, such as a session that failed to load). Looked up once per app.
 */
export function mountedRuntime(req: Request): Runtime | undefined {
  for (const app of appsOf(req)) {
    if (typeof app !== 'function' && (typeof app !== 'object' || app === null)) continue;
    let found = MOUNTED.get(app);
    if (found === undefined) {
      const layer = findHandle(app, (candidate) => runtimeOfMiddleware(candidate.handle) !== undefined, 0);
      found = runtimeOfMiddleware(layer?.handle) ?? null;
      MOUNTED.set(app, found);
    }
    if (found !== null) return found;
  }
  return undefined;
}
