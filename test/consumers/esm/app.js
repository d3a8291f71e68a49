// An ES module app on Express 5 with pino, the SQLite activity store and the OpenTelemetry 2.x SDK, used as
// `import` users do.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import Database from 'better-sqlite3';
import express from 'express';
import session from 'express-session';
import { pino } from 'pino';
import * as core from 'express-logical-session';
import * as activity from 'express-logical-session/activity';
import * as otel from 'express-logical-session/otel';
import * as sqliteStore from 'express-logical-session/sqlite-store';
import * as support from 'express-logical-session/support';
import { supportRouter } from 'express-logical-session/support';
import * as registries from 'express-logical-session/registry';
import {
  getSessionId,
  getSessionInfo,
  logActivity,
  logicalSession,
  restartSession,
  sessionErrorHandler,
} from 'express-logical-session';
import { SqlActivityStore, pinoActivitySink } from 'express-logical-session/activity';

// Both entry points share one LogicalSessionError class, so `instanceof` works for either.
assert.throws(
  () => pinoActivitySink({}),
  (err) => err instanceof core.LogicalSessionError && err.code === core.ErrorCodes.INVALID_OPTION,
);

const lines = [];
const logger = pino(
  new Writable({ write: (chunk, _encoding, done) => done(void lines.push(JSON.parse(String(chunk)))) }),
);
const db = new Database(':memory:');
const store = new SqlActivityStore({ sqlite: db });
const registry = registries.memoryRegistry({ maxSessionsPerUser: 2 });
const middleware = logicalSession({
  registry,
  logger,
  exposeHeader: 'X-Session-Id',
  activity: { sinks: [store, pinoActivitySink(logger)], flushInterval: 10 },
});

// The otel entry finds the app's @opentelemetry/api-logs from where the package is installed.
const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [otel.sessionSpanProcessor(), new SimpleSpanProcessor(spans)],
});
trace.setGlobalTracerProvider(tracerProvider);
const logRecords = new InMemoryLogRecordExporter();
logs.setGlobalLoggerProvider(
  new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: logRecords })] }),
);
// The ESM build loads better-sqlite3 through createRequire, synchronously: the store is ready at once.
const dataDir = mkdtempSync(join(tmpdir(), 'els-consumer-esm-'));
const sessions = new sqliteStore.SqliteSessionStore({ path: join(dataDir, 'sessions.db') });

const app = express();
app.use(session({ store: sessions, secret: 'consumer-esm', resave: false, saveUninitialized: false }));
app.use(middleware);
app.get('/', (req, res) => {
  logActivity(req, 'search', { q: 'lamps' });
  const span = trace.getTracer('consumer').startSpan('search');
  otel.setSessionAttributes(span, req);
  span.end();
  req.log.info('searched');
  res.json(getSessionInfo(req));
});
app.post('/link', async (req, res) => res.json(await registries.linkUser(req, 'user-1')));
app.post('/restart', async (req, res) => res.json({ id: await restartSession(req) }));
app.get('/missing', async () => {
  const err = new Error('No such order');
  Object.assign(err, { status: 404, expose: true });
  throw err; // Express 5 passes the rejection to the error handler
});
app.use('/support', supportRouter({ activity: store, authorize: (req) => req.get('x-role') === 'support' }));
app.use(sessionErrorHandler({ format: 'problem' }));

const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
let cookie = '';
async function call(method, path, headers = {}) {
  const res = await fetch(base + path, { method, headers: cookie ? { cookie, ...headers } : headers });
  const set = res.headers.get('set-cookie');
  if (set) cookie = set.split(';')[0];
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    header: res.headers.get('x-session-id'),
    csp: res.headers.get('content-security-policy'),
    body: res.headers.get('content-type')?.startsWith('text/html') ? await res.text() : await res.json(),
  };
}

try {
  const first = await call('GET', '/');
  const id = first.body.id;
  assert.equal(first.header, id);
  assert.equal(first.body.isNew, true);
  assert.equal((await call('GET', '/')).body.isNew, false);
  const missing = await call('GET', '/missing');
  assert.equal(missing.status, 404);
  assert.match(missing.type, /^application\/problem\+json/);
  assert.deepEqual(missing.body, {
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    detail: 'No such order',
    sessionId: id,
    message: 'Please contact support with this session ID',
  });
  assert.equal((await call('POST', '/link')).body.sessionId, id);
  assert.deepEqual(
    (await registry.list('user-1')).map((entry) => entry.sessionId),
    [id],
  );
  // The console on the SQLite activity store, once the dispatcher has written the records.
  for (let i = 0; i < 500 && (await store.summary(id)) === undefined; i++) await new Promise((r) => setTimeout(r, 10));
  const page = await call('GET', `/support/sessions/${id}`, { 'x-role': 'support' });
  assert.equal(page.status, 200);
  assert.match(page.csp, /^default-src 'none'; style-src 'sha256-/);
  assert.ok(page.body.includes(`<code class="id">${id}</code>`), 'the session page shows the ID');
  const overview = await call('GET', '/support/', { 'x-role': 'support', accept: 'application/json' });
  assert.equal(overview.body.last24h.sessionsStarted, 1);
  assert.equal((await call('GET', '/support/', {})).status, 403);
  const next = (await call('POST', '/restart')).body.id;
  assert.notEqual(next, id);
  assert.ok(
    lines.some((line) => line.msg === 'searched' && line.sessionId === id),
    'req.log is bound to the logical session ID',
  );

  assert.deepEqual(
    spans.getFinishedSpans().map((span) => [span.name, span.attributes['session.id']]),
    [
      ['search', id],
      ['search', id],
    ],
  );
  assert.deepEqual(
    logRecords.getFinishedLogRecords().map((record) => [record.eventName, record.attributes['session.id']]),
    [
      ['session.start', id],
      ['session.end', id],
      ['session.start', next],
    ],
  );
  await tracerProvider.shutdown();

  await middleware.close();
  // The middleware closed the store; the app still owns the database and can query it.
  const reader = new activity.SqlActivityStore({ sqlite: db, createTable: false });
  const summary = await reader.summary(id);
  assert.deepEqual(summary.counts, {
    'session.start': 1,
    search: 2,
    error: 1,
    'session.user': 1,
    'support.lookup': 1,
    'session.end': 1,
  });
  const timeline = await reader.timeline(id);
  assert.deepEqual(timeline.map((entry) => entry.type).sort(), [
    'error',
    'search',
    'search',
    'session.end',
    'session.start',
    'session.user',
    'support.lookup',
  ]);
  assert.deepEqual(await registry.list('user-1'), [], 'restartSession ended the linked session');
  assert.equal(getSessionId.name, 'getSessionId');
  const all = await new Promise((resolve, reject) => sessions.all((err, rows) => (err ? reject(err) : resolve(rows))));
  assert.equal(Object.values(all).length, 1, 'the restarted session, keyed by its hash');
  assert.match(Object.keys(all)[0], /^[0-9a-f]{64}$/);
} finally {
  server.close();
  db.close();
  await sessions.close();
  await registry.close();
  rmSync(dataDir, { recursive: true, force: true });
}
process.stdout.write(
  JSON.stringify({
    ok: true,
    exports: {
      core: Object.keys(core).sort(),
      activity: Object.keys(activity).sort(),
      otel: Object.keys(otel).sort(),
      sqliteStore: Object.keys(sqliteStore).sort(),
      support: Object.keys(support).sort(),
      registry: Object.keys(registries).sort(),
    },
  }),
);
