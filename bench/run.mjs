// `npm run bench`: builds the library privately, then measures apps A-H and J (see app.mjs) on
// MemoryStore and Redis, and apps A and C on the SQLite session store (empty, and with
// --session-rows other sessions in the table), steady state and new visitors, interleaved round by
// round, and writes bench/RESULTS.md. The apps run on Node 24 (--node: another version, fetched from the
// npm registry, or a node binary's path; see runtime.mjs). Options: --rounds N --seconds S --apps A,B,C,D
// --stores memory,redis,sqlite,sqlite-filled --session-rows N --express 4|5 --node 24|20|26|/path/to/node
// --out bench/RESULTS-x.md --quick (harness check); then how cost grows with the live sessions in the store
// (--growth 100,10000,100000|none --growth-rounds N, A and C on MemoryStore and Redis) and the library's
// memory after --visitors N new visitors (0 skips it). BENCH_LIB=/path/index.js benchmarks that build instead.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { canPin, pin, startApp, usesLibrary } from './apps.mjs';
import { buildLibrary } from './build.mjs';
import { appRuntime } from './runtime.mjs';
import { establishSessions, httpGet, runLoad } from './load.mjs';
import { commandsExecuted, connectRedis, deleteKeys } from './redis.mjs';
import { collectMeta, renderReport } from './report.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    // Many short rounds beat a few long ones on a shared machine: bursts from other tenants
    // hit single runs, and the medians of paired per-round ratios shrug them off.
    rounds: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '2' },
    apps: { type: 'string', default: 'A,B,C,D,E,F,G,H,J' },
    stores: { type: 'string', default: 'memory,redis,sqlite,sqlite-filled' },
    'session-rows': { type: 'string', default: '100000' }, // other sessions in the table of sqlite-filled
    express: { type: 'string', default: '5' },
    // The headline runs on Node 24; `--node 20` and `--node 26` are the side runs (bench/README.md).
    node: { type: 'string', default: '24' },
    // How cost grows: A and C on MemoryStore and Redis with this many other live sessions in the store.
    growth: { type: 'string', default: '100,10000,100000' }, // `none` skips it
    'growth-rounds': { type: 'string', default: '4' },
    // The library's memory: A and C (with --expose-gc) through this many new visitors; 0 skips it.
    visitors: { type: 'string', default: '100000' },
    quick: { type: 'boolean', default: false }, // 2 short rounds, RESULTS.md left alone
    out: { type: 'string', default: 'bench/RESULTS.md' }, // where the report goes, from the project root
  },
});
const cfg = {
  rounds: args.quick ? 2 : Number(args.rounds),
  seconds: args.quick ? 1 : Number(args.seconds),
  warmupSeconds: args.quick ? 1 : 2,
  connections: 10,
  sessions: 100,
  sessionRows: Number(args['session-rows']),
  express: args.express,
  growth: args.growth === 'none' ? [] : args.growth.split(',').map(Number),
  growthRounds: args.quick ? 2 : Number(args['growth-rounds']),
  visitors: args.quick ? Math.min(2_000, Number(args.visitors)) : Number(args.visitors),
};
const STORES = ['memory', 'redis', 'sqlite', 'sqlite-filled'];
// The SQLite store is measured with the floor (A) and the library (C): what it costs, and whether
// the library's cost on it differs from the other stores. The other apps would not add to that.
const SQLITE_APPS = ['A', 'C'];
const onSqlite = (store) => store.startsWith('sqlite');
// H keeps its registry on Redis: measured where the sessions are on Redis too.
const REDIS_ONLY_APPS = ['H'];
const prefix = `bench:${process.pid}:`;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

pin(process.pid, 0);
const notes = [];
let variants = args.apps.split(',');
const stores = args.stores.split(',').filter((s) => STORES.includes(s));
const libPath = libraryFor(variants, stores);
if (!libPath) variants = variants.filter((v) => !usesLibrary(v));
// The SQLite session store is part of the library, and measured with A and C only.
if (!libPath || !variants.some((v) => SQLITE_APPS.includes(v))) {
  stores.splice(0, stores.length, ...stores.filter((s) => !onSqlite(s)));
}
cfg.apps = variants;
const runtime = await appRuntime(args.node, libPath);
console.log(`[bench] apps on Node ${runtime.node.full}, with ${runtime.packages}`);
process.once('exit', runtime.cleanup); // the temporary copy of the project, if any

let redis;
if (stores.includes('redis')) {
  redis = await connectRedis(redisUrl);
  if (!redis.client) {
    notes.push(`Redis section skipped: Redis unreachable at ${redis.reason}.`);
    stores.splice(stores.indexOf('redis'), 1);
  }
}
// Ctrl-C: the apps die with us (same process group); still remove our Redis keys.
process.once('SIGINT', () => {
  const done = () => process.exit(130);
  if (redis?.client) deleteKeys(redis.client, prefix).then(done, done);
  else done();
});
const results = [];
const growth = [];
let memory;
// Growth and memory compare the library (C) with its floor (A) only.
const growthApps = ['A', 'C'].filter((v) => variants.includes(v));
try {
  for (const store of stores) {
    for (const traffic of ['steady', 'new']) results.push(await scenario(store, traffic));
  }
  if (growthApps.length === 2) {
    for (const store of stores.filter((s) => s === 'memory' || s === 'redis')) {
      for (const live of cfg.growth) {
        for (const traffic of ['steady', 'new']) growth.push(await scenario(store, traffic, { live }));
      }
    }
    if (cfg.visitors > 0) memory = await memoryRun(cfg.visitors);
  }
} finally {
  if (redis?.client) {
    const deleted = await deleteKeys(redis.client, prefix);
    console.log(`[bench] deleted ${deleted} Redis keys under ${prefix}`);
    await redis.client.quit();
  }
}
const meta = collectMeta({
  root: ROOT,
  modulesRoot: runtime.modulesRoot,
  cfg,
  canPin,
  redisVersion: redis?.version,
  notes,
  nodeBin: runtime.node.execPath,
});
// The hand-kept findings go into the main report only, not into side runs written elsewhere.
const report = renderReport(meta, results, { findings: args.out === 'bench/RESULTS.md', growth, memory });
console.log(`\n${report}`);
if (!args.quick) {
  writeFileSync(join(ROOT, args.out), report);
  console.log(`[bench] wrote ${args.out} (${Math.round(performance.now() / 1000)} s in all)`);
}

/** The library for apps C-F and the SQLite store: BENCH_LIB if given, else a fresh private build of src/. */
function libraryFor(wanted, wantedStores) {
  if (!wanted.some(usesLibrary) && !wantedStores.some(onSqlite)) return undefined;
  if (process.env.BENCH_LIB) return process.env.BENCH_LIB;
  const built = buildLibrary(ROOT);
  if (built.error) {
    notes.push(`Apps ${wanted.filter(usesLibrary).join(', ')} skipped: the library did not build (${built.error}).`);
    console.error(`[bench] ${notes.at(-1)}`);
    return undefined;
  }
  console.log(`[bench] built in ${Math.round(performance.now() / 1000)} s`);
  return built.path;
}

/**
 * One store x traffic combination: start the apps, warm up, then interleave the rounds. With `live`
 * (the growth runs), apps A and C only, each store first filled with `live` other live sessions.
 */
async function scenario(store, traffic, { live } = {}) {
  const measured =
    live !== undefined
      ? growthApps
      : onSqlite(store)
        ? variants.filter((v) => SQLITE_APPS.includes(v))
        : variants.filter((v) => store === 'redis' || !REDIS_ONLY_APPS.includes(v));
  const rounds = live !== undefined ? cfg.growthRounds : cfg.rounds;
  const filled =
    store === 'sqlite-filled'
      ? `, ${cfg.sessionRows} other sessions in the table`
      : live !== undefined
        ? `, ${live} other live sessions in the store`
        : '';
  console.log(
    `[bench] ${store}${filled}, ${traffic === 'steady' ? `steady state (${cfg.sessions} sessions)` : 'new visitors'}`,
  );
  const apps = await Promise.all(
    measured.map((variant) =>
      startApp({
        variant,
        store,
        prefix: `${prefix}${traffic}:${variant}:`,
        libPath: runtime.libPath,
        express: cfg.express,
        sessionRows: store === 'sqlite-filled' ? cfg.sessionRows : 0,
        app: runtime.app,
        execPath: runtime.node.execPath,
      }),
    ),
  );
  try {
    if (live !== undefined) {
      const started = performance.now();
      await Promise.all(apps.map((app) => app.call('fill', live)));
      console.log(`  filled in ${Math.round(performance.now() - started)} ms`);
    }
    const runs = new Map(apps.map((app) => [app.variant, { rounds: [], checks: [] }]));
    for (const app of apps) {
      app.cookies = traffic === 'steady' ? await establishSessions(app.port, cfg.sessions) : undefined;
      runs.get(app.variant).since = performance.now();
      if (app.cookies && app.variant >= 'C') runs.get(app.variant).firstId = await exposedId(app);
      await runLoad({ port: app.port, cookies: app.cookies, seconds: cfg.warmupSeconds, connections: cfg.connections });
      if (traffic === 'new') await app.call('clear');
    }
    for (let round = 1; round <= rounds; round++) {
      // Rotate the order each round (A B C D, B C D A, ...) so that no app always runs right
      // after the same neighbour: position effects cancel instead of biasing one app.
      const shift = (round - 1) % apps.length;
      for (const app of [...apps.slice(shift), ...apps.slice(0, shift)]) {
        const measured = await measure(app, cfg.seconds, traffic);
        runs.get(app.variant).rounds.push(measured);
        console.log(
          `  round ${round} ${app.variant}: ${Math.round(measured.rps)} req/s, ${measured.cpuPerReq.toFixed(1)} µs CPU/req, ` +
            `app busy ${Math.round(100 * measured.busy)}%, ${measured.sets} sets, ${measured.touches} touches`,
        );
      }
    }
    for (const app of apps) {
      const run = runs.get(app.variant);
      run.rssMB = (await app.call('stats')).rss / 2 ** 20;
      if (traffic === 'steady' && live === undefined) {
        run.stored = await app.call('sessions');
        // The logical ID must have survived every round unchanged (guarantee 1).
        if (run.firstId) run.stableId = run.firstId === (await exposedId(app));
        // How long the sessions lived, to tell the library's periodic lastActivityAt refresh
        // (once per touchInterval per session, by design) from writes it should not make.
        run.sessionMinutes = (performance.now() - run.since) / 60_000;
        if (app.variant === 'H') run.registryLatency = await app.call('registryLatency');
      }
    }
    return { store, traffic, live, variants: measured, runs };
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
  }
}

/**
 * A and C on MemoryStore, one after the other, through `visitors` new visitors in two halves: the heap
 * after a full collection (store emptied first) after the warm-up and after each half. What the library
 * keeps per process is C's growth less A's; bounded memories show as no growth between the halves.
 */
async function memoryRun(visitors) {
  console.log(`[bench] memory: ${visitors} new visitors, heap after a full GC`);
  const byApp = {};
  for (const variant of growthApps) {
    const app = await startApp({
      variant,
      store: 'memory',
      prefix: `${prefix}memory:${variant}:`,
      libPath: runtime.libPath,
      express: cfg.express,
      app: runtime.app,
      execPath: runtime.node.execPath,
      execArgv: ['--expose-gc'],
    });
    try {
      const points = [];
      await runLoad({ port: app.port, seconds: cfg.warmupSeconds, connections: cfg.connections });
      await app.call('clear');
      points.push({ visitors: 0, ...(await app.call('heap')) });
      const half = Math.floor(visitors / 2);
      for (const step of [half, visitors - half]) {
        const load = await runLoad({ port: app.port, amount: step, connections: cfg.connections });
        await app.call('clear');
        points.push({ visitors: points.at(-1).visitors + load.ok, bad: load.bad, ...(await app.call('heap')) });
      }
      byApp[variant] = points;
      console.log(`  ${variant}: heap ${points.map((p) => `${(p.heapUsed / 2 ** 20).toFixed(1)} MB`).join(' → ')}`);
    } finally {
      await app.stop();
    }
  }
  return { visitors, byApp };
}

async function exposedId(app) {
  const res = await httpGet(app.port, '/', app.cookies[0]);
  return res.headers['x-session-id'];
}

/** One measured run: server counters before/after, load in between. */
async function measure(app, seconds, traffic) {
  const onRedis = app.store === 'redis';
  const redisBefore = onRedis ? await commandsExecuted(redis.client) : 0;
  const before = await app.call('stats');
  const start = performance.now();
  const load = await runLoad({ port: app.port, cookies: app.cookies, seconds, connections: cfg.connections });
  const after = await app.call('stats');
  const wallMicros = 1000 * (performance.now() - start);
  const redisAfter = onRedis ? await commandsExecuted(redis.client) : 0;
  const reqs = after.requests - before.requests;
  const delta = (key) => (after[key] ?? 0) - (before[key] ?? 0);
  const storeCalls = delta('get') + delta('set') + delta('touch') + delta('destroy');
  if (traffic === 'new') await app.call('clear'); // outside the window: keep the store small
  await sleep(100); // let sockets close before the next app is loaded
  return {
    ...load,
    reqs,
    sets: delta('set'),
    touches: delta('touch'),
    // Share of the wall time the app was on CPU: well under 100% means the load generator or
    // other tenants of the machine limited the run, not the app.
    busy: delta('cpuMicros') / wallMicros,
    cpuPerReq: delta('cpuMicros') / reqs,
    storeCallsPerReq: storeCalls / reqs,
    redisCmdsPerReq: onRedis ? (redisAfter - redisBefore) / reqs : undefined,
    rssMB: after.rss / 2 ** 20,
  };
}
