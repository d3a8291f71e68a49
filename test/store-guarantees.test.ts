import { CountingStore } from './helpers/app.js';
import { describeStoreGuarantees } from './helpers/store-guarantees.js';

describeStoreGuarantees('MemoryStore', () => new CountingStore());
