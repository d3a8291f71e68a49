// Load generation (autocannon, in the bench process) and session set-up over plain HTTP.
import { get } from 'node:http';
import autocannon from 'autocannon';

/** One GET; resolves with status, headers and body. */
export function httpGet(port, path, cookie) {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, headers: cookie ? { cookie } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

/** Logs in `count` users and returns their cookies (the name=value part only). */
export async function establishSessions(port, count) {
  const cookies = [];
  for (let n = 0; n < count; n++) {
    const res = await httpGet(port, `/login?n=${n}`);
    const setCookie = res.headers['set-cookie']?.[0];
    if (res.status !== 200 || !setCookie) throw new Error(`login ${n} failed: ${res.status}`);
    cookies.push(setCookie.split(';')[0]);
  }
  return cookies;
}

/**
 * Closed-loop load on GET /, for `seconds` or `amount` requests. With cookies, requests cycle through them (steady state);
 * without, every request is a new visitor. Latency percentiles are computed here from the
 * exact per-response durations, because autocannon's own histogram has 1 ms resolution.
 */
export async function runLoad({ port, cookies, seconds, connections, rate, amount }) {
  let next = 0;
  const request = cookies
    ? {
        method: 'GET',
        path: '/',
        setupRequest: (req) => ({ ...req, headers: { ...req.headers, cookie: cookies[next++ % cookies.length] } }),
      }
    : { method: 'GET', path: '/' };
  const latencies = [];
  const instance = autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    // `amount`: exactly that many requests, however long they take (the memory run's visitors).
    ...(amount ? { amount } : { duration: seconds }),
    ...(rate ? { overallRate: rate } : {}),
    requests: [request],
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return {
    rps: result['2xx'] / result.duration,
    p50: pct(0.5),
    p99: pct(0.99),
    ok: result['2xx'],
    bad: result.non2xx + result.errors + result.timeouts,
  };
}
