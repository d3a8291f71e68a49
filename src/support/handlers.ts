import type { Request, Response } from 'express';
import { logActivity } from '../core/activity-log.js';
import { messagePage } from './layout.js';
import type { SupportConfiguration } from './options.js';
import { buildOverview } from './overview.js';
import { overviewPage } from './overview-page.js';
import type { ConsolePaths } from './paths.js';
import { normalizeEntry, type RegistryEntryView } from './registry-entry.js';
import { sendHtml, sendJson, wantsJson } from './respond.js';
import type { Route } from './routes.js';
import { sessionPage } from './session-page.js';
import { buildSessionView } from './session-view.js';
import { userPage } from './user-page.js';

/** What every handler gets: the resolved options, the request and its response, and the console's paths. */
export interface Exchange {
  readonly config: SupportConfiguration;
  readonly req: Request;
  readonly res: Response;
  readonly paths: ConsolePaths;
}

/** An answer without content, as a page or as `{ error }`. */
export function refuse(exchange: Exchange, status: number, title: string, message: string): void {
  const { req, res, paths } = exchange;
  if (wantsJson(req)) sendJson(req, res, status, { error: message });
  else sendHtml(req, res, status, messagePage(title, message, paths));
}

function noRegistry(exchange: Exchange): void {
  refuse(exchange, 404, 'No registry', 'This console has no registry: user pages and revoking need one.');
}

async function overview(exchange: Exchange): Promise<void> {
  const { config, req, res, paths } = exchange;
  const view = await buildOverview(config);
  if (wantsJson(req)) sendJson(req, res, 200, view);
  else sendHtml(req, res, 200, overviewPage(view, paths, config.registry !== undefined));
}

async function session(exchange: Exchange, route: Extract<Route, { kind: 'session' }>): Promise<void> {
  const { config, req, res, paths } = exchange;
  const json = wantsJson(req);
  logActivity(req, 'support.lookup', { sessionId: route.sessionId, format: json ? 'json' : 'html' });
  const view = await buildSessionView(config, route.sessionId, route.cursor);
  if (view === undefined) {
    refuse(exchange, 404, 'Unknown session', 'Neither the activity log nor the registry knows this session.');
    return;
  }
  if (json) sendJson(req, res, 200, view);
  else {
    const context = { paths, now: config.now(), paged: route.cursor !== undefined, hasRegistry: !!config.registry };
    sendHtml(req, res, 200, sessionPage(view, context));
  }
}

async function user(exchange: Exchange, userId: string): Promise<void> {
  const { config, req, res, paths } = exchange;
  if (!config.registry) return noRegistry(exchange);
  logActivity(req, 'support.lookup', { userId });
  const listed = await config.registry.list(userId);
  const sessions = (Array.isArray(listed) ? (listed as unknown[]) : [])
    .map(normalizeEntry)
    .filter((entry): entry is RegistryEntryView => entry !== undefined);
  const view = { userId, sessions };
  if (wantsJson(req)) sendJson(req, res, 200, view);
  else sendHtml(req, res, 200, userPage(view, paths, config.now()));
}

async function revoke(exchange: Exchange, sessionId: string): Promise<void> {
  const { config, req, res, paths } = exchange;
  const registry = config.registry;
  if (!registry) return noRegistry(exchange);
  // Read before the revoke: afterwards the registry no longer lists it, and the page to go back to is its user's.
  const entry = normalizeEntry(await registry.get(sessionId));
  // `=== true`: a registry written by hand may resolve anything.
  const outcome: unknown = await registry.revoke(sessionId);
  const revoked = outcome === true;
  logActivity(req, 'support.revoke', { sessionId, revoked });
  if (wantsJson(req)) {
    sendJson(req, res, 200, { sessionId, revoked });
    return;
  }
  const back = entry === undefined ? paths.session(sessionId) : paths.user(entry.userId);
  res.redirect(303, back ?? paths.home);
}

/** Answers a request that passed `authorize`. */
export async function handle(exchange: Exchange, route: Route): Promise<void> {
  switch (route.kind) {
    case 'overview':
      return overview(exchange);
    case 'lookup': {
      const target = exchange.paths.session(route.sessionId) ?? exchange.paths.home;
      exchange.res.redirect(303, target);
      return;
    }
    case 'session':
      return session(exchange, route);
    case 'user':
      return user(exchange, route.userId);
    case 'revoke':
      return revoke(exchange, route.sessionId);
  }
}
