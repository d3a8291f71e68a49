/**
 * What the OpenTelemetry tests share: a cookie-keeping client over `fetch` (undici, which
 * instrumentation-http does not patch, so the test's own requests add no client spans) and a poll for
 * spans that end after the response was sent.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One browser: keeps its session cookie between requests. */
export class CookieClient {
  private cookie = '';

  constructor(private readonly base: string) {}

  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the body it expects
  async get<T = unknown>(path: string): Promise<{ status: number; body: T }> {
    const res = await fetch(this.base + path, { headers: this.cookie === '' ? {} : { cookie: this.cookie } });
    const set = res.headers.get('set-cookie');
    if (set !== null) this.cookie = set.split(';')[0] ?? '';
    return { status: res.status, body: (await res.json()) as T };
  }
}

/** Listens on a free loopback port and resolves with its base URL once it accepts connections. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function close(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

/**
 * Waits until `ready()` holds. The HTTP server span ends on the response's 'close', which can come just
 * after the client has read the response, so the test waits for the spans themselves.
 */
export async function until(ready: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
