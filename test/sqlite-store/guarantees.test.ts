import { join } from 'node:path';
import { afterAll } from 'vitest';
import { SqliteSessionStore } from '../../src/sqlite-store/index.js';
import { describeStoreGuarantees } from '../helpers/store-guarantees.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('els-sqlite-store-');
afterAll(() => dir.remove());
let files = 0;

describeStoreGuarantees('SqliteSessionStore', () => new SqliteSessionStore({ path: join(dir.path, `${++files}.db`) }));
