// The session store every benchmark app uses: MemoryStore, connect-redis or the library's
// SqliteSessionStore, wrapped the same way in all apps so that store traffic can be counted
// without changing what the store does.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
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

/** `store.clear()` as a promise. */
const clearAll = (store) => new Promise((resolve, reject) => store.clear((err) => (err ? reject(err) : resolve(true))));

/**
 * Builds the store for one app process; `prefix` keeps each app's Redis keys apart. `sqlite-filled` is
 * SQLite with `sessionRows` other live sessions in the table before the first request, to show whether
 * the cost grows with the table; `clear` then removes only the sessions the run itself made.
 */
export async function createStore(kind, { redisUrl, prefix, libPath, sessionRows }) {
  if (kind === 'memory') {
    const store = new session.MemoryStore();
    return {
      store,
      // MemoryStore keeps each session as its JSON string, which is what "bytes in the store" means.
      storedSessions: () => Promise.resolve(Object.values(store.sessions)),
      clear: () => clearAll(store),
      close: () => Promise.resolve(),
    };
  }
  if (kind === 'sqlite' || kind === 'sqlite-filled')
    return createSqliteStore(libPath, kind === 'sqlite' ? 0 : sessionRows);
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
    clear: () => clearAll(store),
    close: () => client.quit().then(() => undefined),
  };
}

async function createSqliteStore(libPath, rows) {
  const [{ SqliteSessionStore }, { default: Database }] = await Promise.all([
    import(pathToFileURL(join(dirname(libPath), 'sqlite-store', 'index.js')).href),
    import('better-sqlite3'),
  ]);
  const file = join(tmpdir(), `els-bench-sessions-${process.pid}.db`);
  const store = new SqliteSessionStore({ path: file });
  // The bench's own connection: fills the table and reads it, outside the measured windows.
  const db = new Database(file);
  const filled = fill(db, rows);
  return {
    store,
    storedSessions: () => Promise.resolve(db.prepare('SELECT sess FROM sessions WHERE rowid > ?').pluck().all(filled)),
    clear: () => Promise.resolve(db.prepare('DELETE FROM sessions WHERE rowid > ?').run(filled).changes),
    close: async () => {
      db.close();
      await store.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    },
  };
}

/** `rows` live sessions shaped like the bench's own (cookie, logical state, user); returns the last rowid. */
function fill(db, rows) {
  if (rows === 0) return 0;
  const insert = db.prepare('INSERT INTO sessions (sid_hash, sess, expires_at) VALUES (?, ?, ?)');
  const expires = Date.now() + 7 * 86_400_000;
  const sess = JSON.stringify({
    cookie: { originalMaxAge: 86_400_000, expires: new Date(expires).toISOString(), httpOnly: true, path: '/' },
    els: '0 m3s5k0g0 m3s5q2o0 0193b3c1-6e0f-8a4b-9c2d-3e4f5a6b7c8d',
    user: 'user-000',
  });
  db.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(randomBytes(32), sess, expires);
  })();
  return db.prepare('SELECT MAX(rowid) FROM sessions').pluck().get();
}
