// One benchmark app, run as its own Node process (forked by run.mjs, which talks to it over IPC).
//   A  express + express-session (the floor)
//   B  A + the hand-written pattern people use today (UUID in the session, stamp every request)
//   C  A + logicalSession() with a silent pino logger, an onActivity hook and exposeHeader
//   D  C + sessionErrorHandler() and currentSessionId() read in the route
//   E  C + logActivity() on every request, recorded by SqlActivityStore in a SQLite file
//   F  C with asyncContext: false (what AsyncLocalStorage costs on this Node)
//   G  A + one middleware that only calls next() (what any middleware costs)
//   J  C + sessionSpanProcessor() from express-logical-session/otel, with no OpenTelemetry SDK registered
//   H  C + redisRegistry() from express-logical-session/registry, every logged-in session linked
// All variants share the same routes, response bodies, session options and counted store.
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import session from 'express-session';
import { countStoreCalls, createStore } from './store.mjs';

const env = process.env;
const variant = env.BENCH_APP ?? 'A';
const express = (await import(env.BENCH_EXPRESS === '4' ? 'express4' : 'express')).default;
const IDLE_MS = 30 * 60_000; // same idle timeout as the library's default, for B

const counts = { requests: 0, activities: 0 };
const { store, storedSessions, clear, close } = await createStore(env.BENCH_STORE ?? 'memory', {
  redisUrl: env.REDIS_URL,
  prefix: env.BENCH_PREFIX ?? `bench:${process.pid}:`,
  libPath: env.BENCH_LIB,
  sessionRows: Number(env.BENCH_SESSION_ROWS ?? 0),
});
countStoreCalls(store, counts);

const app = express();
app.disable('x-powered-by');
app.use((_req, _res, next) => {
  counts.requests++;
  next();
});
// Typical production options: only sessions that hold data are stored, no forced resave.
app.use(
  session({
    name: 'sid',
    secret: 'bench-secret-not-for-production',
    resave: false,
    saveUninitialized: false,
    cookie: { maxAge: 24 * 3_600_000 },
    store,
  }),
);

let lib;
let middleware;
let activityFile;
let otelProcessor;
let registry;
let linkUser;
let registryClient;
const linkTimes = [];
if (variant === 'B') {
  // The pattern as commonly hand-written: get-or-create an ID, stamp activity on every
  // request (which modifies the session, so express-session saves it every time).
  app.use((req, _res, next) => {
    const now = Date.now();
    if (!req.session.logicalId || now - (req.session.lastActivity ?? 0) > IDLE_MS) {
      req.session.logicalId = randomUUID();
    }
    req.session.lastActivity = now;
    next();
  });
} else if (variant === 'G') {
  app.use((_req, _res, next) => next());
} else if (['C', 'D', 'E', 'F', 'H', 'J'].includes(variant)) {
  lib = await import(pathToFileURL(env.BENCH_LIB).href);
  const { pino } = await import('pino');
  let activity;
  if (variant === 'E') {
    const { SqlActivityStore } = await import(pathToFileURL(join(env.BENCH_LIB, '..', 'activity', 'index.js')).href);
    activityFile = join(tmpdir(), `els-bench-activity-${process.pid}.db`);
    activity = new SqlActivityStore({ sqlite: activityFile });
  }
  if (variant === 'H') {
    // The registry on the same Redis, on a client of its own, as an app would configure it.
    const [{ createClient }, registries] = await Promise.all([
      import('redis'),
      import(pathToFileURL(join(env.BENCH_LIB, '..', 'registry', 'index.js')).href),
    ]);
    registryClient = await createClient({ url: env.REDIS_URL ?? 'redis://127.0.0.1:6379' }).connect();
    registry = registries.redisRegistry({
      client: registryClient,
      // Beside the sessions' prefix, not under it: the bench reads every key under that one as a session.
      keyPrefix: `${(env.BENCH_PREFIX ?? 'bench:').replace(/:$/, '')}-registry:`,
    });
    linkUser = registries.linkUser;
  }
  middleware = lib.logicalSession({
    registry,
    logger: pino({ level: 'silent' }),
    hooks: {
      onActivity: () => {
        counts.activities++;
      },
    },
    exposeHeader: 'X-Session-Id',
    activity,
    asyncContext: variant !== 'F',
  });
  app.use(middleware);
  if (variant === 'J') {
    // Installed as users install it, but with no SDK: the processor subscribes to the lifecycle channels
    // and finds no logger provider, so each new session costs one disabled-logger check.
    const otel = await import(pathToFileURL(join(env.BENCH_LIB, '..', 'otel', 'index.js')).href);
    otelProcessor = otel.sessionSpanProcessor();
  }
}

// Same body shape and size everywhere; only D asks the library for the current ID.
const traced = variant === 'D' ? () => lib.currentSessionId() !== undefined : () => true;
app.get('/login', async (req, res) => {
  req.session.user = `user-${String(req.query.n ?? 0).padStart(3, '0')}`;
  if (registry) {
    const started = performance.now();
    await linkUser(req, req.session.user);
    linkTimes.push(performance.now() - started);
  }
  res.json({ user: req.session.user, ok: traced() });
});
app.get('/', (req, res) => {
  if (variant === 'E') lib.logActivity(req, 'page.view', { path: req.path });
  res.json({ user: req.session.user ?? null, ok: traced() });
});
if (variant === 'D') app.use(lib.sessionErrorHandler());

const server = app.listen(0, '127.0.0.1', () => {
  process.send({ type: 'ready', port: server.address().port });
});

// The growth runs (run.mjs --growth) put other live sessions in the store first. From then on `clear`
// removes only the sessions the app's own traffic stored, so the filled ones stay for every round.
const filled = new Set();
const created = new Set();

/** One session as this app stores it: a real login's, read back from the store (then removed). */
async function sampleSession() {
  const { get } = await import('node:http');
  const setCookie = await new Promise((resolve, reject) =>
    get({ host: '127.0.0.1', port: server.address().port, path: '/login?n=999' }, (res) => {
      res.resume().on('end', () => resolve(res.headers['set-cookie']?.[0]));
    }).on('error', reject),
  );
  // sid=s%3A<id>.<signature>
  const signed = decodeURIComponent(setCookie.split(';')[0].slice('sid='.length));
  const sid = signed.slice(2, signed.lastIndexOf('.'));
  const sess = await storeCall('get', sid);
  await storeCall('destroy', sid);
  return JSON.stringify(sess);
}

function storeCall(name, ...args) {
  return new Promise((resolve, reject) => store[name](...args, (err, value) => (err ? reject(err) : resolve(value))));
}

/** Runs `work` over `items` with at most 500 in flight (node-redis pipelines them). */
async function inBatches(items, work) {
  for (let i = 0; i < items.length; i += 500) await Promise.all(items.slice(i, i + 500).map(work));
}

// Control channel: everything here happens outside the measured windows.
let profiler;
const commands = {
  fill: async (count) => {
    const sample = await sampleSession();
    if (filled.size === 0) {
      const counted = store.set;
      store.set = (sid, ...rest) => {
        if (!filled.has(sid)) created.add(sid);
        return counted(sid, ...rest);
      };
    }
    const sids = Array.from({ length: count }, () => randomUUID());
    for (const sid of sids) filled.add(sid);
    await inBatches(sids, (sid) => storeCall('set', sid, JSON.parse(sample)));
    return { filled: filled.size, bytes: Buffer.byteLength(sample) };
  },
  // The heap after a full collection (the memory run starts the app with --expose-gc).
  heap: () => {
    globalThis.gc();
    globalThis.gc();
    const { heapUsed, external, rss } = process.memoryUsage();
    return { heapUsed, external, rss };
  },
  stats: () => {
    const cpu = process.cpuUsage();
    return { ...counts, cpuMicros: cpu.user + cpu.system, rss: process.memoryUsage().rss };
  },
  sessions: async () => {
    const values = await storedSessions();
    const total = values.reduce((sum, v) => sum + Buffer.byteLength(v), 0);
    return { count: values.length, avgBytes: values.length ? total / values.length : 0, sample: values[0] };
  },
  // CPU profile of exactly the measured window (profile.mjs), through the built-in inspector.
  profileStart: async () => {
    const { Session } = await import('node:inspector');
    profiler = new Session();
    profiler.connect();
    const post = (method, params) =>
      new Promise((resolve, reject) => {
        profiler.post(method, params, (err, result) => (err ? reject(err) : resolve(result)));
      });
    profiler.postAsync = post;
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 250 });
    await post('Profiler.start');
    return { requests: counts.requests };
  },
  profileStop: async () => {
    const { profile } = await profiler.postAsync('Profiler.stop');
    profiler.disconnect();
    return { profile, requests: counts.requests };
  },
  // H only, outside the measured windows: linkUser (timed in /login) for 300 more sessions, then list().
  registryLatency: async () => {
    const { get } = await import('node:http');
    const port = server.address().port;
    for (let n = 1000; n < 1300; n++) {
      await new Promise((resolve, reject) =>
        get({ host: '127.0.0.1', port, path: `/login?n=${n}` }, (r) => r.resume().on('end', resolve)).on(
          'error',
          reject,
        ),
      );
    }
    const listTimes = [];
    for (let i = 0; i < 1000; i++) {
      const started = performance.now();
      await registry.list(`user-${String(i % 100).padStart(3, '0')}`);
      listTimes.push(performance.now() - started);
    }
    const pick = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
    return {
      link: { n: linkTimes.length, p50: pick(linkTimes, 0.5), p99: pick(linkTimes, 0.99) },
      list: { n: listTimes.length, p50: pick(listTimes, 0.5), p99: pick(listTimes, 0.99) },
    };
  },
  clear: async () => {
    if (filled.size === 0) return clear();
    const sids = [...created];
    created.clear();
    await inBatches(sids, (sid) => storeCall('destroy', sid));
    return true;
  },
  close: async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await middleware?.close(); // E: flushes the activity records still buffered
    await otelProcessor?.shutdown();
    await registry?.close();
    registryClient?.destroy();
    if (activityFile) rmSync(activityFile, { force: true });
    await close();
    setTimeout(() => process.exit(0), 10);
    return true;
  },
};
// Never outlive the bench process, even when it crashes.
process.on('disconnect', () => process.exit(0));
process.on('message', (msg) => {
  Promise.resolve()
    .then(() => commands[msg.cmd](msg.arg))
    .then(
      (value) => process.send({ id: msg.id, value }),
      (err) => process.send({ id: msg.id, error: String(err?.stack ?? err) }),
    );
});
