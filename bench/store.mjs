// The session store every benchmark app uses: MemoryStore or connect-redis, wrapped the same
// way in all apps so that store traffic can be counted without changing what the store does.
import session from 'express-session';

/**
 * Counts calls by replacing the instance methods with pass-through wrappers. Patching the
 * instance (not subclassing) keeps the real store's behaviour, events and `this` untouched,
 * and also counts calls made directly on `req.sessionStore` by middleware.
 */
export function countStoreCalls(store, counts) {
  for (const name of ['get', 'set', 'touch', 'destroy']) {
    if (typeof store[name] !== 'function') continue;
    const original = store[name].bind(store);
    counts[name] = 0;
    store[name] = (...args) => {
      counts[name]++;
      return original(...args);
    };
  }
  return store;
}

/** Builds the store for one app process; `prefix` keeps each app's Redis keys apart. */
export async function createStore(kind, { redisUrl, prefix }) {
  if (kind === 'memory') {
    const store = new session.MemoryStore();
    return {
      store,
      // MemoryStore keeps each session as its JSON string, which is what "bytes in the store" means.
      storedSessions: () => Promise.resolve(Object.values(store.sessions)),
      close: () => Promise.resolve(),
    };
  }
  const [{ createClient }, { RedisStore }] = await Promise.all([import('redis'), import('connect-redis')]);
  const client = createClient({ url: redisUrl });
  client.on('error', (err) => console.error(`[app] redis: ${err.message}`));
  await client.connect();
  const store = new RedisStore({ client, prefix });
  return {
    store,
    storedSessions: async () => {
      const values = [];
      for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
        for (const key of keys) values.push(await client.get(key));
      }
      return values.filter((v) => typeof v === 'string');
    },
    close: () => client.quit().then(() => undefined),
  };
}
