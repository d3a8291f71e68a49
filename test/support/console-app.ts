import express from 'express';
import session from 'express-session';
import supertest from 'supertest';
import type { ActivityReader } from '../../src/activity/reader.js';
import type { ActivitySink } from '../../src/core/activity-types.js';
import { logicalSession, type LogicalSessionMiddleware } from '../../src/index.js';
import { supportRouter } from '../../src/support/index.js';
import type { SupportRouterOptions } from '../../src/support/types.js';
import { SECRET } from '../helpers/app.js';

export interface ConsoleApp {
  readonly app: express.Express;
  readonly agent: ReturnType<typeof supertest.agent>;
  readonly middleware: LogicalSessionMiddleware;
}

/** Reads a page's links: every href and form action, unescaped. */
export function linksOf(page: string): string[] {
  return [...page.matchAll(/(?:href|action)="([^"]*)"/g)].map((match) => (match[1] ?? '').replaceAll('&amp;', '&'));
}

/**
 * An app as a team would mount the console: express-session, logicalSession() recording activity into
 * `sink` (the support person's own lookups land there), and the console at /support.
 */
export function consoleApp(
  activity: ActivityReader,
  options: Partial<SupportRouterOptions> = {},
  sink?: ActivitySink,
): ConsoleApp {
  const app = express();
  app.use(session({ secret: SECRET, resave: false, saveUninitialized: false }));
  const middleware = logicalSession({
    exposeHeader: 'X-Session-Id',
    ...(sink ? { activity: { sinks: [sink], flushInterval: 5 } } : {}),
  });
  app.use(middleware);
  app.use('/support', supportRouter({ activity, authorize: () => true, ...options }));
  return { app, agent: supertest.agent(app), middleware };
}
