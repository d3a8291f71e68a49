import { isIPv4, isIPv6 } from 'node:net';
import type { Request } from 'express';

function ipv4Prefix(ip: string): string {
  const [a, b, c] = ip.split('.');
  return `${a}.${b}.${c}.0/24`;
}

/** The first three groups of an IPv6 address, `::` expanded. */
function ipv6Prefix(ip: string): string {
  const [head = '', tail] = ip.split('::');
  const front = head === '' ? [] : head.split(':');
  const back = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined ? front : [...front, ...Array<string>(8 - front.length - back.length).fill('0'), ...back];
  const prefix = groups.slice(0, 3).map((group) => group.replace(/^0+(?=.)/, '').toLowerCase());
  return `${prefix.join(':')}::/48`;
}

/**
 * `req.ip` cut to its /24 (IPv4) or /48 (IPv6) network, which says "the same home or office network" without
 * storing the address. An IPv4-mapped IPv6 address counts as IPv4. `undefined` for anything else.
 */
export function ipPrefixOf(req: Request): string | undefined {
  const ip = req.ip;
  if (typeof ip !== 'string') return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped !== undefined && isIPv4(mapped)) return ipv4Prefix(mapped);
  if (isIPv4(ip)) return ipv4Prefix(ip);
  const bare = ip.split('%', 1)[0] ?? '';
  return isIPv6(bare) ? ipv6Prefix(bare) : undefined;
}

/**
 * Whether the request carries `X-Forwarded-For` while the app does not trust proxies: then `req.ip` is the
 * proxy's address, and every user behind it looks like one network (express-rate-limit warns likewise).
 */
export function forwardedWithoutTrust(req: Request): boolean {
  if (req.headers['x-forwarded-for'] === undefined) return false;
  const app = req.app as { get?: (name: string) => unknown } | undefined;
  return typeof app?.get === 'function' && app.get('trust proxy') === false;
}
