import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'activity/index': 'src/activity/index.ts',
    'otel/index': 'src/otel/index.ts',
    'sqlite-store/index': 'src/sqlite-store/index.ts',
    'support/index': 'src/support/index.ts',
    'registry/index': 'src/registry/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // One shared chunk for modules several entries use, so LogicalSessionError (and the request state the
  // otel entry reads) is one for all of them.
  splitting: true,
  // The otel entry looks its optional peers up, and the SQLite session store loads better-sqlite3, with
  // createRequire(import.meta.url); the shim gives the CommonJS build an import.meta.url.
  shims: true,
  external: ['express', 'express-session', 'better-sqlite3', 'pg', 'pino', /^@opentelemetry\//],
});
