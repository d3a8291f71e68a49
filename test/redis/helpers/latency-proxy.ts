/**
 * A loopback TCP proxy in front of Redis that can slow down or hold back replies, to play a
 * Redis that is slow or stalled without blocking the server itself for the test's own client.
 */
import net from 'node:net';
import { once } from 'node:events';

export interface LatencyProxy {
  readonly port: number;
  readonly url: string;
  /** Delay added to every chunk Redis sends back, in ms (0 = pass through). */
  setDelay(ms: number): void;
  /**
   * When on, replies are held back (nothing reaches the client, as during a long `DEBUG SLEEP`
   * or a congested path); when turned off, they are delivered in order. Never dropped: losing
   * bytes inside a TCP stream is not something a real network does.
   */
  setStalled(on: boolean): void;
  close(): Promise<void>;
}

export async function startLatencyProxy(targetPort: number): Promise<LatencyProxy> {
  let delayMs = 0;
  let stalled = false;
  const pumps = new Set<() => void>();
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server = net.createServer((downstream) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    sockets.add(downstream).add(upstream);
    const closeBoth = (): void => {
      downstream.destroy();
      upstream.destroy();
      sockets.delete(downstream);
      sockets.delete(upstream);
    };
    downstream.on('error', closeBoth).on('close', closeBoth);
    upstream.on('error', closeBoth).on('close', closeBoth);
    downstream.on('data', (chunk) => upstream.write(chunk));
    // One FIFO per connection, so replies keep their order even when the delay changes.
    const pending: { chunk: Buffer; due: number }[] = [];
    let pumping: NodeJS.Timeout | undefined;
    const pump = (): void => {
      if (pumping) {
        clearTimeout(pumping);
        timers.delete(pumping);
        pumping = undefined;
      }
      while (!stalled && pending.length > 0 && pending[0]!.due <= Date.now()) {
        const { chunk } = pending.shift()!;
        if (!downstream.destroyed) downstream.write(chunk);
      }
      if (!stalled && pending.length > 0) {
        pumping = setTimeout(pump, pending[0]!.due - Date.now());
        timers.add(pumping);
      }
    };
    pumps.add(pump);
    downstream.on('close', () => pumps.delete(pump));
    upstream.on('data', (chunk) => {
      pending.push({ chunk, due: Date.now() + delayMs });
      if (!pumping) pump();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    setDelay(ms) {
      delayMs = ms;
    },
    setStalled(on) {
      stalled = on;
      if (!on) for (const pump of pumps) pump();
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      server.close();
      await once(server, 'close');
    },
  };
}
