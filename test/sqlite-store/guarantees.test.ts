import { SqliteSessionStore } from '../../src/sqlite-store/index.js';
import { describeStoreGuarantees } from '../helpers/store-guarantees.js';
import { sqliteFixture } from './harness.js';

const fixture = sqliteFixture();

describeStoreGuarantees('SqliteSessionStore', (): SqliteSessionStore => fixture.store());
