/**
 * One browser-like client whose requests are spread round-robin over several instances, keeping
 * the session cookie between them. Plain node:http with a fresh connection per request
 * (`agent: false`), so no keep-alive socket outlives a test and timing is per request.
 */
import http from 'node:http';

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
  /** Wall time from sending to the end of the body, in ms. */
  elapsedMs: number;
  /** The base URL that answered. */
  instance: string;
}

export interface RequestOptions {
  cookie?: string;
  /** Abort (and fail the request) after this many ms. Defaults to 10 s. */
  timeoutMs?: number;
}

export function httpRequest(base: string, method: string, path: string, options: RequestOptions): Promise<HttpResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, base), {
      method,
      agent: false,
      headers: options.cookie === undefined ? {} : { cookie: options.cookie },
    });
    req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error(`${method} ${base}${path} timed out`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        if ((res.headers['content-type'] ?? '').includes('json') && text !== '') body = JSON.parse(text);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          elapsedMs: performance.now() - started,
          instance: base,
        });
      });
    });
    req.end();
  });
}

/** `name=value` of the cookie named `name` in a response, if it set one. */
function cookieFrom(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  for (const line of headers['set-cookie'] ?? []) {
    const pair = line.split(';', 1)[0]!;
    if (pair.startsWith(`${name}=`)) return pair;
  }
  return undefined;
}

/** The express-session ID inside a signed cookie pair `sid=s%3A<id>.<signature>`. */
export function sessionIdOfCookie(cookie: string): string {
  const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
  const match = /^s:([^.]+)\./.exec(value);
  if (!match) throw new Error(`not a signed express-session cookie: ${cookie}`);
  return match[1]!;
}

export class RoundRobinClient {
  private next = 0;
  /** The session cookie as it would be sent (`sid=...`), once the server has set one. */
  cookie: string | undefined;

  constructor(
    private readonly bases: readonly string[],
    private readonly cookieName = 'sid',
  ) {
    if (bases.length === 0) throw new Error('RoundRobinClient needs at least one instance');
  }

  private pick(): string {
    const base = this.bases[this.next % this.bases.length]!;
    this.next += 1;
    return base;
  }

  private remember(result: HttpResult): HttpResult {
    const set = cookieFrom(result.headers, this.cookieName);
    if (set !== undefined) this.cookie = set;
    return result;
  }

  /** One request to the next instance in turn. */
  async request(method: string, path: string, options: Omit<RequestOptions, 'cookie'> = {}): Promise<HttpResult> {
    const result = await httpRequest(this.pick(), method, path, { ...options, cookie: this.cookie });
    return this.remember(result);
  }

  /** `count` requests at once, all with the cookie held now, spread over the instances. */
  async burst(
    count: number,
    method: string,
    path: string | ((i: number) => string),
    options: Omit<RequestOptions, 'cookie'> = {},
  ): Promise<HttpResult[]> {
    const cookie = this.cookie;
    const results = await Promise.all(
      Array.from({ length: count }, (_unused, i) =>
        httpRequest(this.pick(), method, typeof path === 'string' ? path : path(i), { ...options, cookie }),
      ),
    );
    for (const result of results) this.remember(result);
    return results;
  }
}
