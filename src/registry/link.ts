import type { Request } from 'express';
import { ErrorCodes, LogicalSessionError } from '../core/errors.js';
import { stateOf, type RequestState } from '../core/session-state.js';
import { checkUserId } from './arguments.js';
import { Registry } from './registry.js';
import type { LinkResult } from './types.js';

/** The registry of the request's middleware and the request's logical session, or why there are none. */
function registryOf(req: Request, caller: string): { registry: Registry; state: RequestState } {
  const state = stateOf(req);
  const registry = state.runtime?.config.registry;
  if (!(registry instanceof Registry)) {
    throw new LogicalSessionError(
      ErrorCodes.INVALID_ARGUMENT,
      `${caller}: the request's logicalSession() has no registry from express-logical-session/registry. Pass one, app.use(logicalSession({ registry: redisRegistry({ client }) })), and mount this route after it.`,
    );
  }
  if (!state.persistent) {
    throw new LogicalSessionError(
      ErrorCodes.NO_SESSION,
      `${caller} needs a usable session: this request has a request-scoped ID only (the session store may be down).`,
      { status: 503 },
    );
  }
  return { registry, state };
}

/**
 * Links the request's logical session to a user: call it at login, after authentication (and after
 * `rotateSessionCookie` or passport's `req.login`, which keep the logical ID). Over `maxSessionsPerUser` the
 * least recently active other sessions are revoked (reason `evicted`), never this one, and two logins at the
 * same moment never leave more than the maximum. Rejects with `ERR_ELS_REGISTRY_FAILED` when the backend fails.
 *
 * @example
 * ```ts
 * app.post('/login', passport.authenticate('local'), async (req, res, next) => {
 *   try {
 *     const { signals } = await linkUser(req, String(req.user.id));
 *     if (signals.some((s) => s.type === 'new-device')) await mailer.newDevice(req.user);
 *     res.redirect('/');
 *   } catch (err) { next(err); }
 * });
 * ```
 */
export async function linkUser(req: Request, userId: string): Promise<LinkResult> {
  const caller = 'linkUser(req, userId)';
  const { registry, state } = registryOf(req, caller);
  return registry.link(req, state, checkUserId(caller, userId));
}

/**
 * "Sign out everywhere else": revokes every other live session of the user this session is linked to.
 * Resolves how many were revoked.
 *
 * @example
 * ```ts
 * app.post('/account/sign-out-others', async (req, res, next) => {
 *   try { res.json({ revoked: await revokeOtherSessions(req) }); } catch (err) { next(err); }
 * });
 * ```
 */
export async function revokeOtherSessions(req: Request): Promise<number> {
  const { registry, state } = registryOf(req, 'revokeOtherSessions(req)');
  return registry.revokeOthers(state.sessionId);
}
