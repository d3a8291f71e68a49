/** A fleet = N instances on one Redis + a round-robin client + the test's key prefix, torn down as one. */
import {
  closeAll,
  startInProcessInstances,
  startProcessInstances,
  type HarnessOptions,
  type Instance,
} from './harness.js';
import {
  connectAdmin,
  deleteKeysUnder,
  sessionsUnder,
  testPrefix,
  type AdminClient,
  type StoredSession,
} from './keys.js';
import { RoundRobinClient, sessionIdOfCookie } from '../../helpers/round-robin-client.js';
import { readStored } from '../../../src/core/stored-form.js';

export interface FleetOptions extends Omit<HarnessOptions, 'prefix'> {
  label: string;
}

export interface Fleet {
  readonly prefix: string;
  readonly instances: Instance[];
  readonly admin: AdminClient;
  /** A new browser-like client spread over all instances. */
  newClient(): RoundRobinClient;
  /** The stored record of the session behind `client`'s cookie, read straight from Redis. */
  stored(client: RoundRobinClient): Promise<StoredSession | undefined>;
  /** Every session record under this fleet's prefix. */
  allStored(): Promise<Map<string, StoredSession>>;
  stop(): Promise<void>;
}

async function assemble(options: FleetOptions, start: (o: HarnessOptions) => Promise<Instance[]>): Promise<Fleet> {
  const prefix = testPrefix(options.label);
  const admin = await connectAdmin(options.redisUrl);
  let instances: Instance[];
  try {
    instances = await start({ ...options, prefix });
  } catch (err) {
    admin.destroy();
    throw err;
  }
  const bases = instances.map((i) => i.url);
  return {
    prefix,
    instances,
    admin,
    newClient: () => new RoundRobinClient(bases),
    async stored(client) {
      if (client.cookie === undefined) return undefined;
      const raw = await admin.get(prefix + sessionIdOfCookie(client.cookie));
      if (raw === null) return undefined;
      const record = JSON.parse(raw) as StoredSession;
      return { ...record, logical: readStored(record.els) };
    },
    allStored: () => sessionsUnder(admin, prefix),
    async stop() {
      await closeAll(instances);
      try {
        if (admin.isReady) await deleteKeysUnder(admin, prefix);
      } finally {
        if (admin.isOpen) admin.destroy();
      }
    },
  };
}

export function startInProcessFleet(options: FleetOptions): Promise<Fleet> {
  return assemble(options, startInProcessInstances);
}

export function startProcessFleet(options: FleetOptions): Promise<Fleet> {
  return assemble(options, startProcessInstances);
}
