/** The in-memory registry passes the conformance suite (one instance: it is one process's memory). */
import { memoryRegistry, type SessionRegistry } from '../../src/registry/index.js';
import { registryConformance } from './conformance.js';

let created: SessionRegistry[] = [];

registryConformance({
  name: 'memory',
  instances: 1,
  reset: () => {
    created = [];
  },
  create: (options) => {
    const registry = memoryRegistry(options);
    created.push(registry);
    return registry;
  },
  leftovers: () =>
    Promise.resolve(
      created.reduce(
        (sum, registry) =>
          sum + (registry as unknown as { backend: { entries: Map<string, unknown> } }).backend.entries.size,
        0,
      ),
    ),
});
