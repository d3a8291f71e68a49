import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'activity/index': 'src/activity/index.ts',
    'sqlite-store/index': 'src/sqlite-store/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // One shared chunk for modules several entries use, so LogicalSessionError is one class for all of them.
  splitting: true,
  // The SQLite session store loads better-sqlite3 with createRequire(import.meta.url); the shim gives the
  // CommonJS build an import.meta.url (without it the .cjs file would not even parse).
  shims: true,
  external: ['express', 'express-session', 'better-sqlite3', 'pg', 'pino'],
});
