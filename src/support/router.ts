import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { withDeadline } from '../core/deadline.js';
import { handle, refuse, type Exchange } from './handlers.js';
import { setSecurityHeaders } from './headers.js';
import { resolveSupportOptions, type SupportConfiguration } from './options.js';
import { consolePaths } from './paths.js';
import { routeOf, subjectOf } from './routes.js';
import { isSameOrigin } from './same-origin.js';
import type { SupportRouterOptions } from './types.js';

async function answer(config: SupportConfiguration, req: Request, res: Response): Promise<void> {
  const exchange: Exchange = { config, req, res, paths: consolePaths(req.baseUrl) };
  const forbidden = (): void => refuse(exchange, 403, 'Forbidden', 'You may not use the support console.');
  const authorize = config.authorize;
  if (authorize === undefined) return forbidden();
  const route = routeOf(req);
  if (route.kind === 'refused') {
    if (route.allow !== undefined) res.setHeader('Allow', route.allow);
    return refuse(exchange, route.status, route.title, route.message);
  }
  if (route.kind === 'revoke' && !isSameOrigin(req)) {
    return refuse(exchange, 403, 'Forbidden', 'Revoking is only accepted from the console itself (same origin).');
  }
  // Inside a promise, so a throwing authorize is a rejection like any other; a hung one fails at the deadline.
  const decision = Promise.resolve().then(() => authorize(req, subjectOf(route)));
  // Only `true` allows: a truthy string or object from a mistaken authorize does not.
  const allowed: unknown = await withDeadline(decision, config.authorizeTimeout, 'supportRouter() authorize');
  if (allowed !== true) return forbidden();
  await handle(exchange, route);
}

/**
 * The support console: paste a logical session ID, see what happened in that session. Mount it where only
 * support staff go, after `session()` and `logicalSession()` (every lookup is recorded as `support.lookup`
 * activity of the support person's own session). `authorize` decides every request; without it every route
 * answers 403. Pages are rendered on the server with everything escaped, no script, and a strict
 * Content-Security-Policy; `Accept: application/json` gets the same content as JSON.
 *
 * Routes (relative to the mount path): `GET /` the lookup field and the overview, `GET /sessions/:id` one
 * session, `GET /sessions?user=<id>` a user's sessions, `POST /sessions/:id/revoke` (same origin only); the
 * last two need a `registry`. A failure of the activity store or of `authorize` goes to `next(err)`.
 *
 * @example
 * ```ts
 * import { supportRouter } from 'express-logical-session/support';
 *
 * app.use(
 *   '/support',
 *   supportRouter({ activity: store, registry, authorize: (req, { action }) => req.user?.role === 'support' }),
 * );
 * ```
 */
export function supportRouter(options: SupportRouterOptions): RequestHandler {
  // arguments.length detects app.use(supportRouter), which Express calls with (req, res, next).
  const config = resolveSupportOptions(options, arguments.length);
  return function supportConsole(req: Request, res: Response, next: NextFunction): void {
    setSecurityHeaders(res);
    answer(config, req, res).catch(next);
  };
}
