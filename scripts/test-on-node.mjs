#!/usr/bin/env node
// Runs the vitest suite under other Node.js majors: `node scripts/test-on-node.mjs 22 24`.
//
// Each Node binary comes from the npm registry: the `node-<platform>-<arch>` package that `npx node@22`
// installs, which also ships that version's C++ headers. better-sqlite3 is a native addon:
// - 12.x (this project's lockfile) is built for one ABI, and its prebuilt binaries come from GitHub, so for
//   another ABI it is compiled here from the installed sources with npm's own node-gyp against those headers;
// - on Node 24 and later, 12.x aborts the process when the garbage collector frees a statement (upstream
//   better-sqlite3 bug; fixed in 13.x, which uses Node-API), so those versions run with 13.x instead, whose
//   npm tarball carries prebuilt Node-API binaries: nothing to compile.
// Everything is cached in node_modules/.cache. The suite runs in a temporary copy of the project whose
// node_modules links to this one's, except better-sqlite3, which links to the build for that Node.
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
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const modules = join(root, 'node_modules');
const cacheDir = join(modules, '.cache', 'express-logical-session');
const versions = process.argv.slice(2);
/** better-sqlite3 for Node majors where the lockfile's 12.x crashes: 13.x, Node-API, prebuilt in its tarball. */
const NODE_API_BETTER_SQLITE3 = { fromMajor: 24, version: '13.2.0' };

function fail(message) {
  console.error(`test-on-node: ${message}`);
  process.exit(1);
}

if (versions.length === 0 || versions.some((v) => !/^\d+(\.\d+){0,2}$/.test(v))) {
  fail('give Node.js versions to test on, e.g. `node scripts/test-on-node.mjs 22 24`');
}

function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', ...options });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${basename(command)} ${args.join(' ')} exited with ${code}\n${output}`)),
    );
  });
}

/**
 * The node binary and C++ headers of one Node.js version: the `node-<platform>-<arch>` package on the npm
 * registry (what `npx node@22` installs underneath) is the official build, headers included.
 */
async function nodeFor(version) {
  const pkg = `node-${process.platform}-${process.arch}`;
  const prefix = join(cacheDir, `node-${version}`);
  const nodedir = join(prefix, 'node_modules', pkg);
  const execPath = join(nodedir, 'bin', 'node');
  if (!existsSync(execPath) || !existsSync(join(nodedir, 'include', 'node', 'node_version.h'))) {
    mkdirSync(prefix, { recursive: true });
    await run(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        `${pkg}@${version}`,
      ],
      { quiet: true },
    );
  }
  if (!existsSync(join(nodedir, 'include', 'node', 'node_version.h')))
    fail(`${pkg}@${version} came without C++ headers in ${nodedir}`);
  const [abi, full] = execFileSync(execPath, ['-p', 'process.versions.modules + " " + process.version'], {
    encoding: 'utf8',
  })
    .trim()
    .split(' ');
  return { version, execPath, nodedir, abi, full };
}

function nodeGyp() {
  const npmCli =
    process.env.npm_execpath ??
    execFileSync('npm', ['root', '-g'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() +
      '/npm/bin/npm-cli.js';
  const gyp = join(dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!existsSync(gyp)) fail(`npm's node-gyp not found at ${gyp}`);
  return gyp;
}

/** better-sqlite3 for one Node version: the Node-API release where 12.x crashes, else 12.x compiled for its ABI. */
async function betterSqliteFor(node) {
  if (Number(node.version.split('.')[0]) >= NODE_API_BETTER_SQLITE3.fromMajor) return betterSqliteNodeApi(node);
  return betterSqliteCompiled(node);
}

async function betterSqliteNodeApi(node) {
  const prefix = join(cacheDir, `better-sqlite3-${NODE_API_BETTER_SQLITE3.version}`);
  const target = join(prefix, 'node_modules', 'better-sqlite3');
  if (!existsSync(join(target, 'package.json'))) {
    mkdirSync(prefix, { recursive: true });
    // --ignore-scripts: the tarball's prebuilds/ hold the binaries; nothing is built.
    await run(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-package-lock',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        `better-sqlite3@${NODE_API_BETTER_SQLITE3.version}`,
      ],
      { quiet: true },
    );
  }
  await run(node.execPath, ['-e', 'new (require("better-sqlite3"))(":memory:").prepare("select 1").get()'], {
    cwd: prefix,
    quiet: true,
  });
  console.log(
    `test-on-node: Node ${node.full} uses better-sqlite3 ${NODE_API_BETTER_SQLITE3.version} (Node-API prebuild)`,
  );
  return target;
}

/** better-sqlite3 of the lockfile compiled for one ABI, built once and then reused from the cache. */
async function betterSqliteCompiled(node) {
  const source = join(modules, 'better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
  const target = join(cacheDir, `better-sqlite3-${version}-abi${node.abi}-${process.platform}-${process.arch}`);
  if (!existsSync(join(target, 'build', 'Release', 'better_sqlite3.node'))) {
    const building = `${target}.building-${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(dirname(building), { recursive: true });
    cpSync(source, building, { recursive: true, filter: (path) => path !== join(source, 'build') });
    const started = Date.now();
    console.log(`test-on-node: compiling better-sqlite3 ${version} for Node ${node.full} (ABI ${node.abi})…`);
    await run(node.execPath, [nodeGyp(), 'rebuild', '--release', `--nodedir=${node.nodedir}`, '--jobs=max'], {
      cwd: building,
      quiet: true,
      // SQLite's amalgamation at -O1 compiles in a third of the -O3 time; this build only runs the tests.
      env: {
        ...process.env,
        PATH: `${dirname(node.execPath)}:${process.env.PATH}`,
        npm_config_nodedir: node.nodedir,
        CFLAGS: '-O1',
      },
    });
    rmSync(join(building, 'build', 'Release', 'obj.target'), { recursive: true, force: true });
    rmSync(target, { recursive: true, force: true });
    renameSync(building, target);
    console.log(`test-on-node: compiled in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  console.log(`test-on-node: Node ${node.full} uses better-sqlite3 ${version} (compiled for ABI ${node.abi})`);
  return target;
}

/** A copy of the project whose node_modules links to this one's, with better-sqlite3 swapped. */
function workspaceFor(node, betterSqlite) {
  const dir = mkdtempSync(join(tmpdir(), `els-node${node.version}-`));
  const skipped = new Set(['node_modules', '.git', 'dist', 'coverage', '.tmp']);
  for (const entry of readdirSync(root)) {
    if (!skipped.has(entry)) cpSync(join(root, entry), join(dir, entry), { recursive: true });
  }
  mkdirSync(join(dir, 'node_modules'));
  for (const entry of readdirSync(modules)) {
    if (entry === '.cache') continue;
    symlinkSync(entry === 'better-sqlite3' ? betterSqlite : join(modules, entry), join(dir, 'node_modules', entry));
  }
  return dir;
}

const nodes = await Promise.all(versions.map(nodeFor));
// Prepare every version at once: a compile is mostly one long single-threaded job.
const builds = await Promise.all(nodes.map(betterSqliteFor));
const results = [];
for (const [index, node] of nodes.entries()) {
  const dir = workspaceFor(node, builds[index]);
  console.log(`\ntest-on-node: vitest on Node ${node.full}`);
  const started = Date.now();
  try {
    await run(node.execPath, [join(modules, 'vitest', 'vitest.mjs'), 'run'], {
      cwd: dir,
      env: { ...process.env, PATH: `${dirname(node.execPath)}:${process.env.PATH}` },
    });
    results.push(`Node ${node.full}: passed in ${Math.round((Date.now() - started) / 1000)} s`);
  } catch {
    results.push(`Node ${node.full}: FAILED`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(`\n${results.join('\n')}`);
if (results.some((line) => line.endsWith('FAILED'))) process.exit(1);
