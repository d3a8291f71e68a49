/**
 * The OpenTelemetry 3.x line (api 1.10, Node >= 22.15), which cannot share this repository's lockfile
 * with the 2.x SDK the rest of the suite uses: on request only (OTEL_SDK3=1), a scratch project gets the
 * 3.x packages from npm (the cache first), the package built into its node_modules, and runs
 * sdk3/check.mjs there, on this Node or on OTEL_SDK3_NODE (a path to another node binary). Records go
 * through api 1.10's own `logs`, with no api-logs installed.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const requested = process.env.OTEL_SDK3 === '1';
const SDK3 = {
  '@opentelemetry/api': '~1.10.0',
  '@opentelemetry/context-async-hooks': '^3.1.0',
  '@opentelemetry/sdk-logs': '^3.1.0',
  '@opentelemetry/sdk-trace': '^3.1.0',
};
const run = promisify(execFile);
let work: string | undefined;

/** A scratch app: the 3.x line from npm, express and express-session linked from here, the package built. */
async function scratchProject(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'els-otel-sdk3-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module', dependencies: SDK3 }));
  await run('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
  });
  for (const name of ['express', 'express-session']) {
    symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name), 'dir');
  }
  const installed = join(dir, 'node_modules', 'express-logical-session');
  mkdirSync(installed);
  cpSync(join(root, 'package.json'), join(installed, 'package.json'));
  await run(join(root, 'node_modules', '.bin', 'tsup'), ['--out-dir', join(installed, 'dist'), '--silent'], {
    cwd: root,
  });
  cpSync(join(root, 'test', 'otel', 'sdk3', 'check.mjs'), join(dir, 'check.mjs'));
  return dir;
}

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

if (!requested) console.warn('[skipped] the OpenTelemetry 3.x line: set OTEL_SDK3=1 to install it and run the check');

describe.skipIf(!requested)('the OpenTelemetry 3.x line (OTEL_SDK3=1)', () => {
  it('stamps session.id on the spans and emits the lifecycle through api 1.10 logs', async () => {
    work = await scratchProject();
    const { stdout } = await run(process.env.OTEL_SDK3_NODE ?? process.execPath, ['check.mjs'], { cwd: work });
    const result = JSON.parse(stdout) as {
      id: string;
      node: string;
      api: string;
      apiLogsInstalled: boolean;
      spans: [string, string | null][];
      records: [string, Record<string, string>][];
    };
    expect([result.api.startsWith('1.10.'), result.apiLogsInstalled]).toEqual([true, false]);
    expect(Object.fromEntries(result.spans)).toEqual({ server: result.id, 'after-await': result.id, child: result.id });
    expect(result.records).toEqual([['session.start', { 'session.id': result.id }]]);
    console.info(`[sdk3] checked on Node ${result.node} with @opentelemetry/api ${result.api}`);
  }, 120_000);
});
