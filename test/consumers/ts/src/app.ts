// A strict TypeScript app that uses every export of express-logical-session and its /activity and /sqlite-store entries.
import Database from 'better-sqlite3';
import express, { type NextFunction, type Request, type RequestHandler } from 'express';
import session from 'express-session';
import { pino } from 'pino';
import {
  currentSessionId,
  endSession,
  ErrorCodes,
  getSessionId,
  getSessionInfo,
  logActivity,
  logicalSession,
  LogicalSessionError,
  peekSessionId,
  regenerateSessionId,
  restartSession,
  rotateSessionCookie,
  notFoundHandler,
  sessionErrorHandler,
  sessionScopedPath,
  sessionScopedKey,
  type ActivityOptions,
  type ActivityRecord,
  type ActivitySink,
  type Duration,
  type EnrichErrorContext,
  type ErrorCode,
  type LoggerLike,
  type LogicalSessionHooks,
  type LifecycleEventName,
  type LifecycleEvents,
  type LifecycleListener,
  type LogicalSessionMiddleware,
  type LogicalSessionModule,
  type ModuleCore,
  type RequestOf,
  type SessionRotation,
  type SessionTouch,
  type LogicalSessionOptions,
  type LogicalSessionStats,
  type RequestLogger,
  type MaybePromise,
  type SessionEndEvent,
  type SessionErrorHandlerOptions,
  type SessionInfo,
  type SessionReason,
  type SessionStartEvent,
  type StoredLogicalSession,
} from 'express-logical-session';
import {
  createActivityDispatcher,
  DEFAULT_ACTIVITY_TABLE,
  LOGS_ACTIVITY,
  USER_LINK_ACTIVITY,
  pinoActivitySink,
  postgresSchema,
  serializeDetails,
  SqlActivityStore,
  sqliteSchema,
  toJsonSafe,
  TRUNCATED_KEY,
  type ActivityDispatcher,
  type ActivityDispatcherLogger,
  type ActivityDispatcherOptions,
  type ActivityDispatcherStats,
  type ActivityEntry,
  type ActivityReader,
  type ActivityLogFn,
  type ActivityLogger,
  type ActivityLogLevel,
  type PgQueryable,
  type PinoActivitySinkOptions,
  type SerializeLimits,
  type SessionListItem,
  type SessionsOptions,
  type SessionSummary,
  type SqlActivityStoreCommonOptions,
  type SqlActivityStoreOptions,
  type SqliteDatabaseLike,
  type SqliteStatementLike,
  type TimelineOptions,
} from 'express-logical-session/activity';
import {
  SqliteSessionStore,
  type SqliteSessionDatabase,
  type SqliteSessionStatement,
  type SqliteSessionStoreCommonOptions,
  type SqliteSessionStoreOptions,
} from 'express-logical-session/sqlite-store';

const logger = pino({ level: 'info' });
const loggerLike: LoggerLike = logger;

/** An audit sink that forwards batches to a collector, made JSON-safe first. */
const auditSink: ActivitySink = {
  [LOGS_ACTIVITY]: false,
  async write(batch: readonly ActivityRecord[]): Promise<void> {
    const limits: SerializeLimits = { maxBytes: 16_384 };
    const body = batch.map((record) => ({ ...record, details: serializeDetails(record.details, limits) }));
    await Promise.resolve(body);
  },
};

const db: SqliteDatabaseLike = new Database('activity.db');
const firstStatement: SqliteStatementLike = db.prepare('SELECT 1');
const common: SqlActivityStoreCommonOptions = { table: DEFAULT_ACTIVITY_TABLE, createTable: true };
const storeOptions: SqlActivityStoreOptions = { ...common, sqlite: db };
const store = new SqlActivityStore(storeOptions);
const pool: PgQueryable = { query: async () => Promise.resolve({ rows: [] }) };
const postgresStore = new SqlActivityStore({ postgres: pool, createTable: false });
const migrations: string[] = [sqliteSchema(DEFAULT_ACTIVITY_TABLE), postgresSchema('app_activity')];

const logLevel: ActivityLogLevel = 'info';
const logFn: ActivityLogFn = (obj, msg) => logger.info(obj, msg);
const activityLogger: ActivityLogger = { info: logFn };
const sinkOptions: PinoActivitySinkOptions = { level: logLevel, msg: 'activity' };
const activityOptions: ActivityOptions = {
  sinks: [store, pinoActivitySink(activityLogger, sinkOptions), auditSink],
  batchSize: 100,
  flushInterval: 500,
};

const idleTimeout: Duration = '30m';
const hooks: LogicalSessionHooks = {
  onSessionStart: (event: SessionStartEvent) =>
    logger.info({ sessionId: event.sessionId, previousId: event.previousId, reason: event.reason }, 'session.start'),
  onSessionEnd: async (event: SessionEndEvent): Promise<void> => {
    const reason: SessionReason = event.reason;
    await Promise.resolve(reason);
  },
  onActivity: (activity: ActivityRecord): MaybePromise<void> => void logger.debug({ type: activity.type }, 'activity'),
  shouldRegenerate: (info: SessionInfo, req: Request) =>
    req.path === '/checkout/start' && info.generation < 100 ? 'policy' : false,
  enrichError: (body, context: EnrichErrorContext) => ({
    ...body,
    status: context.status,
    traceId: context.req.get('traceparent') ?? null,
  }),
};

/** A registry of its own: the sessions an admin banned end on their next request. */
const banned = new Set<string>();
const moves: SessionRotation[] = [];
const touches: SessionTouch[] = [];
const heard: LifecycleEventName[] = ['start', 'end', 'rotate', 'touch', 'activity'];
const onEnd = (event: LifecycleEvents['end'], req: RequestOf<'end'>): void =>
  logger.info({ sessionId: event.sessionId, withRequest: req !== undefined, heard: heard.length }, 'ended');
const listener: LifecycleListener = {
  name: 'ban-list',
  end: onEnd,
  rotate: (event) => void moves.push(event),
  touch: (event) => void touches.push(event),
};
let core: ModuleCore | undefined;
const banList: LogicalSessionModule = {
  name: 'ban-list',
  listener,
  endReason: (sessionId) => (banned.has(sessionId) ? 'revoked' : undefined),
  attach: (given) => {
    core = given;
  },
};
export function endBanned(sessionId: string): void {
  core?.endSession(sessionId, 'expired', core.now());
}

const options: LogicalSessionOptions = {
  idleTimeout,
  absoluteTimeout: '12h',
  touchInterval: 60_000,
  persist: 'lazy',
  logger: loggerLike,
  exposeHeader: 'X-Session-Id',
  hooks,
  hookTimeout: '500ms',
  activity: activityOptions,
  registry: banList,
  now: Date.now,
};
export const middleware: LogicalSessionMiddleware = logicalSession(options);

async function audit(): Promise<number> {
  return Promise.resolve(currentSessionId()?.length ?? 0);
}

const sessionDb: SqliteSessionDatabase = new Database('sessions.db');
const probe: SqliteSessionStatement = sessionDb.prepare('SELECT 1');
const sessionCommon: SqliteSessionStoreCommonOptions = { table: 'web_sessions', ttl: '12h', cleanupInterval: false };
const sessionOptions: SqliteSessionStoreOptions = { ...sessionCommon, db: sessionDb };
export const sessionStores = [
  new SqliteSessionStore(sessionOptions),
  new SqliteSessionStore({ path: 'var/sessions.db' }),
];
export const probeRuns: number = probe.run().changes;

export const app = express();
app.use(express.json());
app.use(
  session({
    store: sessionStores[1],
    secret: process.env.SESSION_SECRET ?? 'dev only',
    resave: false,
    saveUninitialized: false,
  }),
);
app.use(middleware);

app.get('/me', async (req, res) => {
  const stored: StoredLogicalSession | undefined = req.session.els;
  const info = getSessionInfo(req);
  const cacheKey: string = sessionScopedKey(req, 'recommendations');
  const peeked: string | undefined = peekSessionId(req);
  res.json({
    id: getSessionId(req),
    info,
    cacheKey,
    peeked,
    stored: stored?.length,
    user: req.session.userId ?? null,
    audited: await audit(),
  });
});

const addToCart: RequestHandler<Record<string, string>, { cart: string[] }, { item: string }> = (req, res) => {
  req.session.cart = [...(req.session.cart ?? []), req.body.item];
  logActivity(req, 'cart.add', { item: req.body.item });
  res.json({ cart: req.session.cart });
};
app.post('/cart', addToCart);

app.post('/login', async (req, res, next: NextFunction) => {
  try {
    await rotateSessionCookie(req);
    req.session.userId = 'grace';
    res.json({ sessionId: getSessionId(req) });
  } catch (err) {
    next(err);
  }
});

app.post('/wizard/start-over', (req, res) => res.json({ sessionId: regenerateSessionId(req, 'wizard') }));
app.post('/reset', async (req, res) => res.json({ sessionId: await restartSession(req) }));
app.post('/logout', async (req, res) => {
  await endSession(req, res);
  res.status(204).end();
});

app.get('/activity/:sessionId', async (req, res) => {
  const page: TimelineOptions = { limit: 50 };
  const timeline: ActivityEntry[] = await store.timeline(req.params.sessionId, page);
  const summary: SessionSummary | undefined = await store.summary(req.params.sessionId);
  const recent: SessionsOptions = { since: Date.now() - 3_600_000, limit: 20 };
  const sessions: SessionListItem[] = await store.sessions(recent);
  const linked = timeline.filter((entry) => entry.type === USER_LINK_ACTIVITY).length;
  const truncated = timeline.filter(
    (entry) => typeof entry.details === 'object' && entry.details !== null && TRUNCATED_KEY in entry.details,
  );
  res.json({ timeline, summary, sessions, linked, truncated: truncated.length, safe: toJsonSafe({ at: 1n }) });
});

const handlerOptions: SessionErrorHandlerOptions = {
  format: 'problem',
  supportMessage: 'Quote this ID to support',
  exposeErrors: false,
  logger: loggerLike,
};
app.get('/upload-target', (req, res) => {
  const log: RequestLogger = req.log; // typed without pino-http
  const target: string = sessionScopedPath(req, 'var/uploads', 'pending', 'a.pdf');
  log.info({ target }, 'upload target');
  res.json({ target });
});
app.use(notFoundHandler({ format: 'problem' }));
app.use(sessionErrorHandler(handlerOptions));

/** A dispatcher of its own, for a background job that records activity outside requests. */
export function jobDispatcher(): ActivityDispatcher {
  const dispatcherLogger: ActivityDispatcherLogger = logger;
  const dispatcherOptions: ActivityDispatcherOptions = {
    sinks: [store, postgresStore],
    batchSize: 50,
    logger: dispatcherLogger,
  };
  const dispatcher = createActivityDispatcher(dispatcherOptions);
  const reader: ActivityReader = store;
  const stats: ActivityDispatcherStats = dispatcher.stats;
  logger.info(
    {
      buffered: stats.buffered,
      migrations: migrations.length,
      statement: typeof firstStatement.run,
      reader: typeof reader.summary,
    },
    'job dispatcher ready',
  );
  return dispatcher;
}

export function describeFailure(err: unknown): string {
  if (err instanceof LogicalSessionError) {
    const code: ErrorCode = err.code as ErrorCode;
    return code === ErrorCodes.STORE_FAILED ? 'session store down' : `${code}: ${err.message}`;
  }
  return 'unexpected';
}

export function statsLine(): string {
  const stats: Readonly<LogicalSessionStats> = middleware.stats;
  return `${stats.sessionsStarted} started, ${stats.hookFailures} hook failures`;
}

export async function shutdown(): Promise<void> {
  await middleware.close();
  const pruned: number = await sessionStores[0]!.prune();
  logger.info({ pruned }, 'sessions pruned');
  await Promise.all(sessionStores.map((store) => store.close()));
}

// The package types `req.session.els`; the app cannot put anything else there.
export function misuse(req: Request): void {
  // @ts-expect-error els is the package's StoredLogicalSession (a branded string), not any string
  req.session.els = 'nope';
  // @ts-expect-error hooks are checked: onSessionStart receives an event, not a string
  logicalSession({ hooks: { onSessionStart: (event: string) => event } });
  // @ts-expect-error persist is 'eager' or 'lazy'
  logicalSession({ persist: 'sometimes' });
}
