// Builds src/ into a private folder, so nobody else's dist/ is touched.
import { spawnSync } from 'node:child_process';

const OUT_DIR = '.tmp/bench-dist';

/** Returns `{ path }` of the ESM entry, or `{ error }` with the end of the build output. */
export function buildLibrary(root) {
  console.log(`[bench] building the library into ${OUT_DIR} ...`);
  const tsup = (...a) => spawnSync('npx', ['tsup', ...a, '--out-dir', OUT_DIR], { cwd: root, encoding: 'utf8' });
  let built = tsup();
  if (built.status !== 0) {
    // The project build also emits declarations; a type error there must not stop the
    // benchmark, so fall back to the JavaScript alone (same esbuild output).
    console.error('[bench] project build failed, retrying without declarations');
    built = tsup(
      'src/index.ts',
      '--no-config',
      '--format',
      'esm',
      '--target',
      'node20',
      '--sourcemap',
      ...['express', 'express-session', 'pino'].flatMap((m) => ['--external', m]),
    );
  }
  if (built.status !== 0) {
    return { error: `${built.stdout}${built.stderr}`.trim().split('\n').slice(-5).join(' | ') };
  }
  return { path: `${root}${OUT_DIR}/index.js` };
}
