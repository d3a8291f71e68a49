/**
 * The package as users install it: build, `npm pack`, install the tarball into the consumer projects
 * of test/consumers (CommonJS on Express 4, ESM on Express 5, strict TypeScript) and run or type-check
 * them; publint and arethetypeswrong check the same tarball.
 *
 * Consumers get their other dependencies as `file:` links to this repository's node_modules and
 * `npm install --offline`, so nothing is downloaded and the run stays fast.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const consumersDir = join(root, 'test', 'consumers');
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);

interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

function run(command: string, args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ stdout, stderr, code });
      },
    );
  });
}

async function mustRun(command: string, args: readonly string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) {
    throw new Error(
      `${[command, ...args].join(' ')} (in ${cwd}) exited with ${result.code}\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

interface PackResult {
  filename: string;
  files: { path: string }[];
}

interface Packed {
  work: string;
  stage: string;
  tarball: string;
  files: string[];
}

/** The repository's own copy of a consumer dependency; the CommonJS consumer runs on Express 4. */
function localCopy(consumer: string, name: string): string {
  const dir = join(root, 'node_modules', consumer === 'cjs' && name === 'express' ? 'express4' : name);
  if (!existsSync(join(dir, 'package.json')))
    throw new Error(`${name} is not installed in ${root}node_modules (npm ci first)`);
  return dir;
}

type Manifest = Record<string, unknown> & {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

function readManifest(file: string): Manifest {
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

/** Copies a consumer next to the tarball and installs it, every dependency from local files. */
async function installConsumer(packed: Packed, consumer: string): Promise<string> {
  const dir = join(packed.work, consumer);
  cpSync(join(consumersDir, consumer), dir, { recursive: true, filter: (src) => !src.includes('node_modules') });
  const manifestFile = join(dir, 'package.json');
  const manifest = readManifest(manifestFile);
  for (const field of ['dependencies', 'devDependencies'] as const) {
    const deps = manifest[field];
    if (!deps) continue;
    for (const name of Object.keys(deps)) {
      deps[name] = name === 'express-logical-session' ? `file:${packed.tarball}` : `file:${localCopy(consumer, name)}`;
    }
  }
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  // --ignore-scripts: the linked dependencies are this repository's, already built; the tarball has no scripts.
  await mustRun(
    'npm',
    ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
    dir,
  );
  return dir;
}

/** Builds into a copy of the project (so the working tree's dist/ is never touched) and packs it. */
async function buildAndPack(): Promise<Packed> {
  const work = mkdtempSync(join(tmpdir(), 'els-packaging-'));
  const stage = join(work, 'package');
  const skipped = new Set(['.git', 'dist', 'coverage', '.tmp', 'docs/api']);
  cpSync(root, stage, {
    recursive: true,
    filter: (src) => !skipped.has(relative(root, src)) && basename(src) !== 'node_modules',
  });
  await mustRun(bin('tsup'), ['--out-dir', join(stage, 'dist'), '--silent'], root);
  const output = await mustRun(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', work, '--loglevel=error'],
    stage,
  );
  const [result] = JSON.parse(output) as PackResult[];
  if (!result) throw new Error(`npm pack printed no result: ${output}`);
  return { work, stage, tarball: join(work, result.filename), files: result.files.map((file) => file.path).sort() };
}

/** Every name an entry point's type declarations export, read with the TypeScript parser. */
function declaredExports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      names.push(...statement.exportClause.elements.map((element) => element.name.text));
    }
  }
  return names.sort();
}

let packed: Packed | undefined;
const pack = (): Packed => {
  if (!packed) throw new Error('the package was not built and packed');
  return packed;
};
const installed = new Map<string, Promise<string>>();
const consumer = (name: string): Promise<string> => {
  const dir = installed.get(name);
  if (!dir) throw new Error(`consumer ${name} was not installed`);
  return dir;
};

beforeAll(async () => {
  packed = await buildAndPack();
  for (const name of ['cjs', 'esm', 'ts']) {
    const install = installConsumer(packed, name);
    install.catch(() => undefined); // reported by the test that awaits it
    installed.set(name, install);
  }
  await Promise.allSettled(installed.values());
}, 120_000);

afterAll(() => {
  if (packed) rmSync(packed.work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  const allowed =
    /^(?:dist\/.+\.(?:js|cjs|d\.ts|d\.cts|js\.map|cjs\.map)|sql\/[\w.]+\.sql|package\.json|README\.md|CHANGELOG\.md|LICENSE)$/;

  it('holds only what users need: the build, the SQL schemas, the manifest and the docs', () => {
    expect(pack().files.filter((file) => !allowed.test(file))).toEqual([]);
    expect(pack().files).toEqual(
      expect.arrayContaining([
        'package.json',
        'LICENSE',
        'README.md',
        'sql/activity_log.sqlite.sql',
        'sql/activity_log.postgres.sql',
      ]),
    );
  });

  it('contains every file package.json points at', () => {
    const manifest = readManifest(join(pack().stage, 'package.json'));
    const targets: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === 'string') targets.push(value.replace(/^\.\//, ''));
      else if (Array.isArray(value)) value.forEach(collect);
      else if (typeof value === 'object' && value !== null) Object.values(value).forEach(collect);
    };
    collect([manifest.main, manifest.module, manifest.types, manifest.exports, manifest.typesVersions]);
    expect(targets.length).toBeGreaterThan(10);
    expect(targets.filter((target) => !pack().files.includes(target))).toEqual([]);
  });

  it('keeps the express-session SessionData augmentation in both the ESM and the CommonJS declarations', () => {
    for (const file of ['dist/index.d.ts', 'dist/index.d.cts']) {
      const text = readFileSync(join(pack().stage, file), 'utf8');
      expect(text, file).toMatch(
        /declare module 'express-session' \{\s*interface SessionData \{[^}]*els\?: StoredLogicalSession;/,
      );
    }
  });

  it('passes publint (strict, every suggestion) with nothing to report', async () => {
    const tarball = readFileSync(pack().tarball);
    const { messages, pkg } = await publint({
      pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
      level: 'suggestion',
      strict: true,
    });
    expect(
      messages.map((message) => `${message.type}: ${formatMessage(message, pkg, { color: false }) ?? message.code}`),
    ).toEqual([]);
  });

  it('passes arethetypeswrong for every entry point and every resolution mode', async () => {
    const result = await run(bin('attw'), [pack().tarball, '--format', 'json', '--no-definitely-typed'], pack().work);
    const report = JSON.parse(result.stdout) as {
      analysis: { problems: unknown[]; entrypoints: Record<string, unknown> };
    };
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual([
      '.',
      './activity',
      './otel',
      './package.json',
      './registry',
      './sqlite-store',
      './support',
    ]);
    expect(report.analysis.problems).toEqual([]);
    expect(result.code).toBe(0);
  });
});

describe('an install from git', () => {
  it('builds dist/ on its own: npm runs prepare when it packs a checkout that has no build', async () => {
    // npm installs a git dependency by packing the clone, which runs `prepare`; this is that step.
    const work = mkdtempSync(join(tmpdir(), 'els-git-install-'));
    try {
      const skipped = new Set(['.git', 'dist', 'coverage', '.tmp', 'docs/api', 'node_modules']);
      cpSync(root, work, { recursive: true, filter: (src) => !skipped.has(relative(root, src)) });
      symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'));
      const output = await mustRun('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], work);
      const [result] = JSON.parse(output.slice(output.indexOf('['))) as PackResult[];
      const built = result!.files.map((file) => file.path).filter((path) => /^dist\/.*index\.(c?js)$/.test(path));
      expect(built).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.cjs', 'dist/activity/index.js']));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('consumer projects installed from the tarball', () => {
  interface ConsumerOutput {
    ok: boolean;
    exports: {
      core: string[];
      activity: string[];
      otel: string[];
      sqliteStore: string[];
      support: string[];
      registry: string[];
    };
  }
  const outputs = new Map<string, ConsumerOutput>();

  async function runApp(name: string, entry: string): Promise<ConsumerOutput> {
    const dir = await consumer(name);
    const output = JSON.parse(await mustRun(process.execPath, [entry], dir)) as ConsumerOutput;
    outputs.set(name, output);
    return output;
  }

  it('CommonJS: require() works on Express 4, through a full session life cycle on the SQLite session store, with the support console; otel loads without OpenTelemetry', async () => {
    expect((await runApp('cjs', 'app.cjs')).ok).toBe(true);
  }, 30_000);

  it('ESM: import works on Express 5, with pino, the SQLite activity and session stores, the support console and the OpenTelemetry SDK', async () => {
    expect((await runApp('esm', 'app.js')).ok).toBe(true);
  }, 30_000);

  it('the CommonJS and ESM builds export the same names, each one declared in the types', async () => {
    const cjs = outputs.get('cjs') ?? (await runApp('cjs', 'app.cjs'));
    const esm = outputs.get('esm') ?? (await runApp('esm', 'app.js'));
    expect(cjs.exports).toEqual(esm.exports);
    const undeclared = (names: string[], file: string): string[] => {
      const declared = new Set(declaredExports(join(pack().stage, file)));
      return names.filter((name) => !declared.has(name));
    };
    expect(undeclared(esm.exports.core, 'dist/index.d.ts')).toEqual([]);
    expect(undeclared(esm.exports.activity, 'dist/activity/index.d.ts')).toEqual([]);
    expect(undeclared(esm.exports.otel, 'dist/otel/index.d.ts')).toEqual([]);
    expect(undeclared(esm.exports.sqliteStore, 'dist/sqlite-store/index.d.ts')).toEqual([]);
    expect(undeclared(esm.exports.support, 'dist/support/index.d.ts')).toEqual([]);
    expect(undeclared(esm.exports.registry, 'dist/registry/index.d.ts')).toEqual([]);
  }, 30_000);

  const resolutions = ['node16', 'bundler', 'node10'];
  let typechecks: Map<string, Promise<Run>> | undefined;
  /** Starts the three type-checks together on first use: they are independent and each takes seconds. */
  async function typecheck(resolution: string): Promise<Run> {
    if (!typechecks) {
      const dir = await consumer('ts');
      const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      typechecks = new Map(
        resolutions.map((name) => [
          name,
          run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`, '--pretty', 'false'], dir),
        ]),
      );
    }
    const result = typechecks.get(resolution);
    if (!result) throw new Error(`no tsconfig.${resolution}.json check`);
    return result;
  }

  it.each(resolutions)(
    'TypeScript: a strict app type-checks with moduleResolution %s',
    async (resolution) => {
      const result = await typecheck(resolution);
      expect(result.stdout + result.stderr).toBe('');
      expect(result.code).toBe(0);
    },
    60_000,
  );

  it('TypeScript: the app uses every export of every entry point', () => {
    const app = ['app.ts', 'otel.ts', 'support.ts', 'registry.ts']
      .map((file) => readFileSync(join(consumersDir, 'ts', 'src', file), 'utf8'))
      .join();
    const names = [
      'index',
      'activity/index',
      'otel/index',
      'sqlite-store/index',
      'support/index',
      'registry/index',
    ].flatMap((entry) => declaredExports(join(pack().stage, `dist/${entry}.d.ts`)));
    expect(names.length).toBeGreaterThan(40);
    expect(names.filter((name) => !new RegExp(`\\b${name}\\b`).test(app))).toEqual([]);
  });
});
