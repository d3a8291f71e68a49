#!/usr/bin/env node
// Runs the vitest suite under other Node.js versions: `node scripts/test-on-node.mjs 22 24 26`.
//   --floor 22       the Node 22 run takes the oldest Express and express-session the peer ranges allow
//   --otel-sdk3 24   also runs the OpenTelemetry 3.x check (OTEL_SDK3=1) in the Node 24 run
//
// scripts/platform.mjs gets each Node (from the npm registry, cached) and the packages it runs with:
// the lockfile's on Node 20, better-sqlite3 13 and connect-redis 10 from Node 22 on. The versions are
// prepared first, all at once, then the suite runs in a temporary copy of the project per version, one
// version after the other (the suite itself uses both cores).
import { dirname, join } from 'node:path';
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isNodeVersion, nodeFor, packagesFor, peerFloors, root, run, workspaceFor } from './platform.mjs';

const { values: options, positionals: versions } = parseArgs({
  allowPositionals: true,
  options: {
    floor: { type: 'string', multiple: true, default: [] },
    'otel-sdk3': { type: 'string', multiple: true, default: [] },
  },
});

function fail(message) {
  console.error(`test-on-node: ${message}`);
  process.exit(1);
}

if (versions.length === 0 || !versions.every(isNodeVersion)) {
  fail('give Node.js versions to test on, e.g. `node scripts/test-on-node.mjs 22 24 26`');
}
for (const option of ['floor', 'otel-sdk3']) {
  for (const version of options[option]) {
    if (!versions.includes(version)) fail(`--${option} ${version}: not one of the versions to test on`);
  }
}

const prepared = await Promise.all(
  versions.map(async (version) => {
    const node = await nodeFor(version);
    const packages = await packagesFor(node);
    if (options.floor.includes(version)) {
      const floors = await peerFloors();
      Object.assign(packages.overrides, floors.overrides);
      packages.describe += `, ${floors.describe}`;
    }
    return { node, packages, otelSdk3: options['otel-sdk3'].includes(version) };
  }),
).catch((err) => fail(err.message));

const results = [];
for (const { node, packages, otelSdk3 } of prepared) {
  const dir = workspaceFor(`node${node.spec}`, packages.overrides);
  console.log(
    `\ntest-on-node: vitest on Node ${node.full}, with ${packages.describe}${otelSdk3 ? ', OTEL_SDK3=1' : ''}`,
  );
  const started = Date.now();
  try {
    await run(node.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], {
      cwd: dir,
      env: {
        ...process.env,
        PATH: `${dirname(node.execPath)}:${process.env.PATH}`,
        ...(otelSdk3 ? { OTEL_SDK3: '1' } : {}),
      },
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
