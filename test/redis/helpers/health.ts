/** What GET /__test/health reports about an instance: liveness, open sockets, memory. */
import type http from 'node:http';

export interface Health {
  pid: number;
  /** Requests held at the `/whoami?hold=1` gate, i.e. past every session middleware. */
  inflight: number;
  /** Client sockets the HTTP server holds, not counting the health request itself. */
  connections: number;
  /** After a full GC when the process runs with --expose-gc (child instances do). */
  heapUsed: number;
  rss: number;
}

export async function serverHealth(server: http.Server): Promise<Omit<Health, 'pid' | 'inflight'>> {
  (globalThis as { gc?: () => void }).gc?.();
  const connections = await new Promise<number>((resolve, reject) =>
    server.getConnections((err, count) => (err ? reject(err) : resolve(count))),
  );
  const { heapUsed, rss } = process.memoryUsage();
  return { connections: Math.max(0, connections - 1), heapUsed, rss };
}
