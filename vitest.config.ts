import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const packagingTests = ['test/packaging.test.ts'];

export default defineConfig({
  resolve: {
    // Examples import the package by name, as users do; in this repo that name means the source.
    alias: {
      'express-logical-session/activity': fileURLToPath(new URL('./src/activity/index.ts', import.meta.url)),
      'express-logical-session/otel': fileURLToPath(new URL('./src/otel/index.ts', import.meta.url)),
      'express-logical-session/sqlite-store': fileURLToPath(new URL('./src/sqlite-store/index.ts', import.meta.url)),
      'express-logical-session/support': fileURLToPath(new URL('./src/support/index.ts', import.meta.url)),
      'express-logical-session/registry': fileURLToPath(new URL('./src/registry/index.ts', import.meta.url)),
      'express-logical-session': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
    },
  },
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'text'],
      reportOnFailure: true,
      // `npm test` runs with --coverage, so falling below these fails the run.
      thresholds: { lines: 90, branches: 90 },
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...packagingTests, 'test/consumers/**'],
        },
      },
      {
        // Builds, packs and type-checks: CPU-heavy, so it runs after the timing-sensitive tests, not beside them.
        extends: true,
        test: { name: 'packaging', include: packagingTests, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
