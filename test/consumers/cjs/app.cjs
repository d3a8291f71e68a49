'use strict';
// A CommonJS app on Express 4 that uses the package exactly as `require` users do.
const assert = require('node:assert/strict');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const express = require('express');
const session = require('express-session');
const {
  logicalSession,
  getSessionId,
  getSessionInfo,
  peekSessionId,
  sessionScopedKey,
  currentSessionId,
  regenerateSessionId,
  rotateSessionCookie,
  restartSession,
  endSession,
  logActivity,
  sessionErrorHandler,
  LogicalSessionError,
  ErrorCodes,
} = require('express-logical-session');
const activity = require('express-logical-session/activity');
// No OpenTelemetry package is installed here: the otel entry still loads, and works on any span it is given.
const otel = require('express-logical-session/otel');
const sqliteStore = require('express-logical-session/sqlite-store');
const support = require('express-logical-session/support');
const registries = require('express-logical-session/registry');
const { version } = require('express-logical-session/package.json');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function waitFor(probe) {
  for (let i = 0; i < 500; i++) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('timed out');
}

async function main() {
  assert.equal(typeof version, 'string');
  assert.throws(
    () => logicalSession({ idleTimeout: 'soon' }),
    (err) => err instanceof LogicalSessionError && err.code === ErrorCodes.INVALID_OPTION,
  );
  // Every entry point shares one LogicalSessionError class, so `instanceof` works for any of them.
  assert.throws(
    () => new activity.SqlActivityStore({}),
    (err) => err instanceof LogicalSessionError && err.code === ErrorCodes.INVALID_OPTION,
  );
  assert.throws(
    () => new sqliteStore.SqliteSessionStore({ path: 'x.db', ttl: 'soon' }),
    (err) => err instanceof LogicalSessionError && err.code === ErrorCodes.INVALID_OPTION,
  );
  // The CommonJS build loads better-sqlite3 synchronously, so the store is ready when constructed.
  const dataDir = mkdtempSync(join(tmpdir(), 'els-consumer-cjs-'));
  const store = new sqliteStore.SqliteSessionStore({ path: join(dataDir, 'sessions.db') });
  const registry = registries.sqliteRegistry({ path: join(dataDir, 'registry.db'), maxSessionsPerUser: 3 });
  assert.throws(
    () => registries.redisRegistry({ client: 'redis://localhost' }),
    (err) => err instanceof LogicalSessionError && err.code === ErrorCodes.INVALID_OPTION,
  );
  assert.equal(typeof registries.memoryRegistry().list, 'function');

  assert.throws(() => require.resolve('@opentelemetry/api'), /Cannot find module/);
  const processor = otel.sessionSpanProcessor();
  const recordingSpan = () => {
    const attributes = {};
    const span = { isRecording: () => true, setAttribute: (key, value) => void (attributes[key] = value) };
    return Object.assign(span, { attributes, spanContext: () => ({ traceId: 'trace-of-this-request' }) });
  };

  const records = [];
  const activityStore = new activity.SqlActivityStore({ sqlite: ':memory:' });
  const middleware = logicalSession({
    exposeHeader: true,
    registry,
    activity: { sinks: [{ write: (batch) => void records.push(...batch) }, activityStore], flushInterval: 10 },
  });
  const app = express();
  app.use(express.json());
  app.use(session({ store, secret: 'consumer-cjs', resave: false, saveUninitialized: false }));
  app.use(middleware);
  app.get('/', (req, res) => {
    logActivity(req, 'home.view');
    res.json({
      id: getSessionId(req),
      peek: peekSessionId(req),
      current: currentSessionId(),
      info: getSessionInfo(req),
      key: sessionScopedKey(req, 'cart'),
      otel: spanAttributes(req),
    });
  });
  function spanAttributes(req) {
    const child = recordingSpan();
    processor.onStart(child, undefined);
    const server = recordingSpan();
    otel.setSessionAttributes(server, req);
    return { child: child.attributes, server: server.attributes };
  }
  app.post('/link', async (req, res) => res.json(await registries.linkUser(req, 'user-1')));
  app.post('/others', async (req, res) => res.json({ revoked: await registries.revokeOtherSessions(req) }));
  app.post('/regenerate', (req, res) => res.json({ id: regenerateSessionId(req, 'wizard') }));
  app.post('/login', async (req, res) => {
    await rotateSessionCookie(req);
    res.json({ id: getSessionId(req) });
  });
  app.post('/restart', async (req, res) => res.json({ id: await restartSession(req) }));
  app.post('/logout', async (req, res) => {
    await endSession(req, res);
    res.json({ ended: true });
  });
  app.use(
    '/support',
    support.supportRouter({ activity: activityStore, authorize: (req) => req.get('x-role') === 'support' }),
  );
  app.get('/boom', () => {
    throw new Error('database password leaked here');
  });
  app.use(sessionErrorHandler());

  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  let cookie = '';
  const call = async (method, path, headers = {}) => {
    const res = await fetch(base + path, { method, headers: cookie ? { cookie, ...headers } : headers });
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0];
    return { status: res.status, header: res.headers.get('x-session-id'), body: await res.json() };
  };

  try {
    const home = await call('GET', '/');
    const id = home.body.id;
    assert.match(id, UUID);
    assert.deepEqual([home.header, home.body.peek, home.body.current, home.body.info.id], [id, id, id, id]);
    assert.equal(home.body.key, `${id}:cart`);
    assert.deepEqual(home.body.otel, { child: { 'session.id': id }, server: { 'session.id': id } });
    assert.equal((await call('GET', '/')).body.id, id, 'the ID is stable across requests');

    const boom = await call('GET', '/boom');
    assert.deepEqual(boom, {
      status: 500,
      header: id,
      body: { error: 'Internal Server Error', sessionId: id, message: 'Please contact support with this session ID' },
    });

    // The support console reads the SQLite activity store through Express 4's router.
    await waitFor(async () => (await activityStore.summary(id)) !== undefined);
    const lookup = await call('GET', `/support/sessions/${id}`, { accept: 'application/json', 'x-role': 'support' });
    assert.equal(lookup.status, 200);
    assert.equal(lookup.body.sessionId, id);
    assert.equal(lookup.body.status, 'active');
    assert.equal((await call('GET', `/support/sessions/${id}`, { accept: 'application/json' })).status, 403);

    const beforeLogin = cookie;
    assert.equal((await call('POST', '/login')).body.id, id, 'rotating the cookie keeps the logical ID');
    assert.notEqual(cookie, beforeLogin);
    assert.equal((await call('POST', '/link')).body.sessionId, id, 'the registry links the logical ID');
    const [entry] = await registry.list('user-1');
    assert.equal(entry.sessionId, id);
    assert.equal(entry.device.type, 'unknown');
    assert.deepEqual((await call('POST', '/others')).body, { revoked: 0 });

    const regenerated = (await call('POST', '/regenerate')).body.id;
    assert.notEqual(regenerated, id);
    const restarted = (await call('POST', '/restart')).body.id;
    assert.notEqual(restarted, regenerated);
    assert.equal((await call('GET', '/')).body.info.previousId, regenerated);
    assert.deepEqual((await call('POST', '/logout')).body, { ended: true });

    await middleware.close();
    const types = records.map((r) => r.type);
    assert.ok(
      types.includes('home.view') && types.includes('session.start') && types.includes('session.end'),
      types.join(),
    );
    assert.equal(middleware.stats.hookFailures, 0);
    assert.equal(typeof activity.createActivityDispatcher, 'function');
    const stored = await new Promise((resolve, reject) => store.length((err, n) => (err ? reject(err) : resolve(n))));
    assert.equal(stored, 0, 'login, restart and logout removed each session they replaced from the SQLite file');
    await processor.shutdown();
  } finally {
    server.close();
    await registry.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.stdout.write(
    JSON.stringify({
      ok: true,
      exports: {
        core: Object.keys(require('express-logical-session')).sort(),
        activity: Object.keys(activity).sort(),
        otel: Object.keys(otel).sort(),
        sqliteStore: Object.keys(sqliteStore).sort(),
        support: Object.keys(support).sort(),
        registry: Object.keys(registries).sort(),
      },
    }),
  );
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
