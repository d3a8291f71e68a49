// The Node.js versions the suite and the benchmark run on besides the one that runs them, and the packages
// each of them gets. Shared by scripts/test-on-node.mjs and bench/run.mjs.
//
// - The Node binary comes from the npm registry: the `node-<platform>-<arch>` package that `npx node@24`
//   installs underneath (the official build). A Node on this machine that matches the version asked for
//   is used as it is.
// - Node 20 runs with the lockfile's packages. From Node 22 on, the current majors replace two of them:
//   - better-sqlite3 13 (engines >=22; on Node 20 it segfaults, and the lockfile's 12.x aborts on Node
//     24.19-24.21 when the garbage collector frees a statement). Its npm tarball carries prebuilt
//     Node-API binaries, so it is installed into the cache with --ignore-scripts: nothing is compiled.
//   - connect-redis 10 (engines >=22, same source as 9): the devDependency alias `connect-redis-10`,
//     which `npm ci` installs on Node 20 too, with an EBADENGINE warning only.
// - One run can also take the oldest Express and express-session that package.json's peer ranges allow
//   (`peerFloors`), so that the ranges say what is tested.
// Downloads are cached in node_modules/.cache/express-logical-session (ELS_CACHE_DIR overrides it).
// The other Node runs in a temporary copy of the project whose node_modules links to this one's, with
// those packages swapped.
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
const modules = join(root, 'node_modules');
export const cacheDir = process.env.ELS_CACHE_DIR || join(modules, '.cache', 'express-logical-session');

/** From this Node major on, the packages below replace the lockfile's. */
export const CURRENT_MAJORS_FROM = 22;
export const BETTER_SQLITE3_CURRENT = '13.2.0';
const CONNECT_REDIS_CURRENT = 'connect-redis-10'; // a devDependency alias: npm:connect-redis@^10

/** Runs a command; resolves with its output, rejects with the output in the message. */
export function run(command, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', ...options });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      code === 0
        ? resolvePromise(output)
        : reject(new Error(`${basename(command)} ${args.join(' ')} exited with ${code ?? signal}\n${output}`)),
    );
  });
}

const installs = new Map();

/**
 * `npm install spec` into the cache folder `prefix`, once: into a temporary folder renamed into place when
 * it is complete, so an interrupted install is never taken for a finished one, and versions that are
 * prepared at the same time share one install.
 */
function installOnce(prefix, spec, extra = []) {
  if (!installs.has(prefix)) {
    const partial = `${prefix}.partial-${process.pid}`;
    const installing = (async () => {
      rmSync(partial, { recursive: true, force: true });
      mkdirSync(partial, { recursive: true });
      await run(
        'npm',
        [
          'install',
          '--prefix',
          partial,
          '--no-save',
          '--no-package-lock',
          '--no-audit',
          '--no-fund',
          '--loglevel=error',
          ...extra,
          spec,
        ],
        { quiet: true },
      );
      rmSync(prefix, { recursive: true, force: true });
      renameSync(partial, prefix);
    })();
    installs.set(prefix, installing);
  }
  return installs.get(prefix);
}

/** `20`, `24.22` or `24.22.3` (a Node version on the npm registry), or the path of a node binary. */
export const isNodePath = (spec) => spec.includes('/') || isAbsolute(spec);
export const isNodeVersion = (spec) => /^\d+(\.\d+){0,2}$/.test(spec);

const matches = (version, spec) => version === spec || version.startsWith(`${spec}.`);

/**
 * One Node.js: `{ spec, execPath, full, major }`. A path is used as it is; a version is this Node if it
 * matches, else the registry's `node-<platform>-<arch>` of that version, installed once into the cache.
 */
export async function nodeFor(spec) {
  let execPath;
  if (isNodePath(spec)) execPath = resolve(spec);
  else if (!isNodeVersion(spec)) throw new Error(`not a Node.js version or path: ${spec}`);
  else if (matches(process.versions.node, spec)) execPath = process.execPath;
  else {
    const pkg = `node-${process.platform}-${process.arch}`;
    const prefix = join(cacheDir, `node-${spec}`);
    execPath = join(prefix, 'node_modules', pkg, 'bin', 'node');
    if (!existsSync(execPath)) await installOnce(prefix, `${pkg}@${spec}`);
  }
  const full = execFileSync(execPath, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
  return { spec, execPath, full, major: Number(full.slice(1).split('.')[0]) };
}

/** better-sqlite3 13 from the cache (prebuilt Node-API binaries in its tarball), checked on `node`. */
async function betterSqliteCurrent(node) {
  const prefix = join(cacheDir, `better-sqlite3-${BETTER_SQLITE3_CURRENT}`);
  const target = join(prefix, 'node_modules', 'better-sqlite3');
  if (!existsSync(join(target, 'package.json'))) {
    // --ignore-scripts: the tarball's prebuilds/ hold the binaries; nothing is built.
    await installOnce(prefix, `better-sqlite3@${BETTER_SQLITE3_CURRENT}`, ['--ignore-scripts']);
  }
  await run(node.execPath, ['-e', 'new (require("better-sqlite3"))(":memory:").prepare("select 1").get()'], {
    cwd: prefix,
    quiet: true,
  });
  return target;
}

/**
 * The packages that replace the lockfile's on `node`: `{ name: directory }`, empty below Node 22.
 * `describe` says in words which versions run.
 */
export async function packagesFor(node) {
  if (node.major < CURRENT_MAJORS_FROM) return { overrides: {}, describe: "the lockfile's packages" };
  const connectRedis = join(modules, CONNECT_REDIS_CURRENT);
  if (!existsSync(join(connectRedis, 'package.json'))) {
    throw new Error(`${CONNECT_REDIS_CURRENT} is not installed in ${modules} (npm ci first)`);
  }
  const overrides = { 'better-sqlite3': await betterSqliteCurrent(node), 'connect-redis': connectRedis };
  const versions = Object.entries(overrides).map(([name, dir]) => `${name} ${packageVersion(dir)}`);
  return { overrides, describe: versions.join(', ') };
}

export function packageVersion(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
}

/**
 * The oldest versions that package.json's peer ranges for Express and express-session allow, for the one
 * run that tests them (`test-on-node --floor`): `{ overrides, describe }` as from `packagesFor`. Express 4
 * is the suite's `express4` alias, Express 5 its `express`. Installed into the cache, dependencies included.
 */
export async function peerFloors() {
  const { peerDependencies: peers } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const lowest = (name) =>
    peers[name].split('||').map((range) => {
      const version = /^\s*(?:\^|>=)?\s*(\d+\.\d+\.\d+)\s*$/.exec(range)?.[1];
      if (version === undefined) throw new Error(`peer range of ${name} not understood: ${peers[name]}`);
      return version;
    });
  const floors = { 'express-session': `express-session@${lowest('express-session')[0]}` };
  for (const version of lowest('express'))
    floors[version.startsWith('4.') ? 'express4' : 'express'] = `express@${version}`;
  const overrides = {};
  for (const [link, spec] of Object.entries(floors)) {
    const prefix = join(cacheDir, `floor-${spec.replace('@', '-')}`);
    const target = join(prefix, 'node_modules', spec.split('@')[0]);
    if (!existsSync(join(target, 'package.json'))) await installOnce(prefix, spec, ['--ignore-scripts']);
    overrides[link] = target;
  }
  const describe = `the peer floors ${Object.values(floors).join(', ')}`;
  return { overrides, describe };
}

/**
 * A temporary copy of the project (without node_modules, .git and build output) whose node_modules links
 * to this one's, each entry of `overrides` linked to its own directory instead. The caller removes it.
 */
export function workspaceFor(label, overrides = {}) {
  const dir = mkdtempSync(join(tmpdir(), `els-${label}-`));
  const skipped = new Set(['node_modules', '.git', 'dist', 'coverage', '.tmp']);
  for (const entry of readdirSync(root)) {
    if (!skipped.has(entry)) cpSync(join(root, entry), join(dir, entry), { recursive: true });
  }
  mkdirSync(join(dir, 'node_modules'));
  for (const entry of readdirSync(modules)) {
    if (entry === '.cache') continue;
    symlinkSync(overrides[entry] ?? join(modules, entry), join(dir, 'node_modules', entry));
  }
  return dir;
}
