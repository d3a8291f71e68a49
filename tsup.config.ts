import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'activity/index': 'src/activity/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // One shared chunk for modules both entries use, so LogicalSessionError is one class for both.
  splitting: true,
  external: ['express', 'express-session', 'better-sqlite3', 'pg', 'pino'],
});
