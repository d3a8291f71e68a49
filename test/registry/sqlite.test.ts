/**
 * The SQLite registry passes the conformance suite: three registries on one file (each its own connection,
 * as three processes would have), the revocation poll shortened so the 20 rounds stay quick.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { sqliteRegistry } from '../../src/registry/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { registryConformance } from './conformance.js';

const dir = tempDir('els-registry-sqlite-');
let file = '';
let round = 0;
afterAll(() => dir.remove());

registryConformance({
  name: 'sqlite',
  instances: 3,
  reset: () => {
    file = join(dir.path, `registry-${round++}.db`);
  },
  create: (options) => sqliteRegistry({ path: file, pollInterval: 20, ...options }),
  leftovers: () => {
    const db = new Database(file, { readonly: true });
    try {
      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      return Promise.resolve(
        count('SELECT count(*) AS n FROM session_registry') +
          count('SELECT count(*) AS n FROM session_registry_revoked'),
      );
    } finally {
      db.close();
    }
  },
});

it('works on the app’s own database and leaves it open at close()', async () => {
  const db = new Database(':memory:');
  const registry = sqliteRegistry({ db, table: 'app_registry', sweepInterval: false });
  expect(await registry.list('someone')).toEqual([]);
  await registry.close();
  expect((db.prepare('SELECT count(*) AS n FROM app_registry').get() as { n: number }).n).toBe(0);
  db.close();
});
