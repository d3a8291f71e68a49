// The bench process's own Redis connection: reachability, command counts and clean-up.
import { createClient } from 'redis';

/** Connects, or resolves with the reason Redis cannot be used. */
export async function connectRedis(url) {
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => {}); // reported through connect() below
  try {
    await client.connect();
    const info = await client.info('server');
    return { client, version: /redis_version:(\S+)/.exec(info)?.[1] ?? '?' };
  } catch (err) {
    return { reason: `${url}: ${err.message}` };
  }
}

/**
 * Total commands the server has executed, from INFO commandstats. The INFO calls themselves are
 * left out. The server is shared, so other clients' traffic would show up too; the caller
 * compares against the app's own store-call counts to flag that.
 */
export async function commandsExecuted(client) {
  const info = await client.info('commandstats');
  let total = 0;
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (m[1] !== 'info') total += Number(m[2]);
  }
  return total;
}

/** Deletes every key under a prefix (the bench's own keys only). */
export async function deleteKeys(client, prefix) {
  let deleted = 0;
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    if (keys.length) deleted += await client.unlink(keys);
  }
  return deleted;
}
