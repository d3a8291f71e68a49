// Where does the time go? `node bench/profile.mjs A C [--store memory|redis] [--seconds 10] [--new]
// [--lib path/index.js] [--node 24|20|26|path/to/node]` (Node 24 by default, as the bench; runtime.mjs)
// runs each named app under --cpu-prof with steady-state (or, with --new, new-visitor) traffic
// and prints CPU time per request
// by package, the hottest functions, and every library function with its self and total time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pin, startApp, usesLibrary } from './apps.mjs';
import { buildLibrary } from './build.mjs';
import { appRuntime } from './runtime.mjs';
import { establishSessions, runLoad } from './load.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    store: { type: 'string', default: 'memory' },
    seconds: { type: 'string', default: '10' },
    lib: { type: 'string' }, // default: BENCH_LIB, else a fresh build of src/
    top: { type: 'string', default: '15' },
    new: { type: 'boolean', default: false },
    node: { type: 'string', default: '24' }, // another Node version or binary for the apps
  },
});
const variants = positionals.length ? positionals : ['A', 'C'];
let libPath = args.lib ?? process.env.BENCH_LIB;
if (!libPath && variants.some(usesLibrary)) {
  const built = buildLibrary(ROOT);
  if (built.error) throw new Error(`the library did not build: ${built.error}`);
  libPath = built.path;
}
const runtime = await appRuntime(args.node, libPath);
console.log(`[profile] apps on Node ${runtime.node.full}, with ${runtime.packages}`);
process.once('exit', runtime.cleanup); // the temporary copy of the project, if any
// Frames from this folder are the library's (its chunks included).
const LIB_DIR = runtime.libPath ? `${dirname(runtime.libPath)}/` : '\0';
const DIR = `${ROOT}.tmp/bench-prof`;
mkdirSync(DIR, { recursive: true });
pin(process.pid, 0);
const buckets = new Map();
for (const variant of variants) {
  const app = await startApp({
    variant,
    store: args.store,
    prefix: `bench:${process.pid}:prof:${variant}:`,
    libPath: runtime.libPath,
    express: '5',
    app: runtime.app,
    execPath: runtime.node.execPath,
  });
  const cookies = args.new ? undefined : await establishSessions(app.port, 100);
  await runLoad({ port: app.port, cookies, seconds: 3, connections: 10 }); // warm-up, not profiled
  // Only the measured window is profiled, so start-up and warm-up do not count per request.
  const started = await app.call('profileStart');
  const load = await runLoad({ port: app.port, cookies, seconds: Number(args.seconds), connections: 10 });
  const { profile, requests } = await app.call('profileStop');
  await app.call('clear');
  await app.stop();
  const file = `${DIR}/${Date.now()}-${variant}.cpuprofile`; // opens in Chrome DevTools
  writeFileSync(file, JSON.stringify(profile));
  console.log(
    `\n## ${variant} (${args.store}, ${args.new ? 'new visitors' : 'steady state'}): ${Math.round(load.rps)} req/s, profile ${file}`,
  );
  report(variant, analyse(profile), requests - started.requests);
}
console.log('\n## CPU µs per request by package, self time (profiled window / requests served in it)\n');
const names = [...buckets.keys()];
const keys = [...new Set(names.flatMap((n) => [...buckets.get(n).keys()]))]
  .filter((k) => k !== '(idle)' && names.some((n) => (buckets.get(n).get(k) ?? 0) >= 0.1))
  .sort((a, b) => (buckets.get(names[0]).get(b) ?? 0) - (buckets.get(names[0]).get(a) ?? 0));
console.log(`| package | ${names.join(' | ')} |\n|---|${names.map(() => '--:').join('|')}|`);
for (const k of keys)
  console.log(`| ${k} | ${names.map((n) => (buckets.get(n).get(k) ?? 0).toFixed(1)).join(' | ')} |`);
const busy = (n) => [...buckets.get(n)].reduce((t, [k, v]) => (k === '(idle)' ? t : t + v), 0);
console.log(`| **total on CPU** | ${names.map((n) => busy(n).toFixed(1)).join(' | ')} |`);

/**
 * Self time per node from the samples, then per function: self time, total time, and "cost":
 * the total minus whatever runs after control goes back to the router through next(), which is
 * the rest of the app and not this function's doing.
 */
function analyse(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, { ...n, self: 0 }]));
  profile.samples.forEach((id, i) => (byId.get(id).self += profile.timeDeltas[i] ?? 0));
  const fns = new Map();
  let libraryCost = 0;
  const keyOf = (n) => `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame)}`;
  const isChain = (n) => ['router', 'express'].includes(bucketOf(n.callFrame));
  // Depth-first; a recursive function's subtree is counted once, at its outermost frame.
  const walk = (node, open, inLibrary) => {
    const key = keyOf(node);
    const bucket = bucketOf(node.callFrame);
    const isLib = bucket === 'express-logical-session';
    const inside = open.has(key);
    if (!inside) open.add(key);
    let total = node.self;
    let cost = node.self;
    for (const childId of node.children ?? []) {
      const child = byId.get(childId);
      const sub = walk(child, open, isChain(child) ? false : inLibrary || isLib);
      total += sub.total;
      if (!isChain(child)) cost += sub.cost;
    }
    if (!inside) open.delete(key);
    const fn = fns.get(key) ?? { key, bucket, self: 0, total: 0, cost: 0 };
    fn.self += node.self;
    if (!inside) {
      fn.total += total;
      fn.cost += cost;
    }
    fns.set(key, fn);
    if (isLib && !inLibrary) libraryCost += cost;
    return { total, cost };
  };
  walk(byId.get(profile.nodes[0].id), new Set(), false);
  return { fns: [...fns.values()], libraryCost };
}

function where({ url, lineNumber }) {
  if (!url) return '';
  const short = url
    .replace(/^file:\/\//, '')
    .replace(LIB_DIR, 'lib/')
    .replace(ROOT, '')
    .replace(/^node_modules\//, '');
  return `${short}:${lineNumber + 1}`;
}

function bucketOf({ url, functionName }) {
  if (!url) return functionName.startsWith('(') ? functionName : 'V8/native';
  if (url.replace(/^file:\/\//, '').startsWith(LIB_DIR)) return 'express-logical-session';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node core';
  return 'bench app';
}

function report(variant, { fns, libraryCost }, requests) {
  const perReq = (us) => (us / requests).toFixed(2);
  const totals = new Map();
  for (const f of fns) totals.set(f.bucket, (totals.get(f.bucket) ?? 0) + f.self / requests);
  buckets.set(variant, totals);
  console.log(`\nHottest functions (self µs/request, ${requests} requests):`);
  for (const f of [...fns].sort((a, b) => b.self - a.self).slice(0, Number(args.top))) {
    console.log(`  ${perReq(f.self).padStart(7)}  ${f.key}`);
  }
  const own = fns.filter((f) => f.bucket === 'express-logical-session').sort((a, b) => b.cost - a.cost);
  if (own.length) {
    console.log(
      `\nLibrary: ${perReq(libraryCost)} µs/request in all, including what it calls but not the rest of the app.`,
    );
    console.log('  cost µs/req (incl. callees up to next())  self µs/req  function');
    for (const f of own.slice(0, 25))
      console.log(`  ${perReq(f.cost).padStart(7)} ${perReq(f.self).padStart(7)}  ${f.key}`);
  }
}
