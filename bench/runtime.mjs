// The Node the apps run on (`--node`): a version from the npm registry (cached) or the path of a node
// binary, with the packages scripts/platform.mjs gives it, as the test runs get them: the lockfile's on
// Node 20, better-sqlite3 13 and connect-redis 10 from Node 22 on. When they differ from the lockfile's,
// the apps and the library build run from a temporary copy of the project whose node_modules has them.
import { cpSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { nodeFor, packagesFor, root, workspaceFor } from '../scripts/platform.mjs';

/**
 * `{ node, packages, app, libPath, modulesRoot, cleanup }`: `app` is the app.mjs to fork (undefined: this
 * folder's), `libPath` the library entry to load there, `modulesRoot` the folder whose node_modules the
 * apps load (for the report's versions, with a trailing slash).
 */
export async function appRuntime(spec, libPath) {
  const node = await nodeFor(spec);
  const packages = await packagesFor(node);
  if (Object.keys(packages.overrides).length === 0) {
    return { node, packages: packages.describe, app: undefined, libPath, modulesRoot: root, cleanup() {} };
  }
  const dir = workspaceFor(`bench-node${node.major}`, packages.overrides);
  let lib = libPath;
  if (libPath) {
    // The build loads better-sqlite3 where it lies: a copy inside the workspace gets the swapped one.
    const copy = join(dir, '.tmp', 'bench-lib');
    cpSync(dirname(libPath), copy, { recursive: true });
    lib = join(copy, basename(libPath));
  }
  return {
    node,
    packages: packages.describe,
    app: join(dir, 'bench', 'app.mjs'),
    libPath: lib,
    modulesRoot: `${dir}/`,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
