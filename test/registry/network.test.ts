/** ipPrefix: req.ip cut to /24 or /48, and the X-Forwarded-For warning of an app that trusts no proxy. */
import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { forwardedWithoutTrust, ipPrefixOf } from '../../src/registry/network.js';

const req = (ip: unknown, headers: Record<string, string> = {}, trust: unknown = false) =>
  ({ ip, headers, app: { get: (name: string) => (name === 'trust proxy' ? trust : undefined) } }) as unknown as Request;

describe('ipPrefixOf', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    ['::ffff:198.51.100.9', '198.51.100.0/24'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::/48'],
    ['2001:0db8::1', '2001:db8:0::/48'],
    ['::1', '0:0:0::/48'],
    ['fe80::1%eth0', 'fe80:0:0::/48'],
  ])('%s → %s', (ip, prefix) => {
    expect(ipPrefixOf(req(ip))).toBe(prefix);
  });

  it.each([undefined, '', 'not-an-ip', '300.1.1.1', '1.2.3', '203.0.113.7, 10.0.0.1', 42])('%s → undefined', (ip) => {
    expect(ipPrefixOf(req(ip))).toBeUndefined();
  });
});

describe('forwardedWithoutTrust', () => {
  it('is true only for X-Forwarded-For reaching an app whose trust proxy is off', () => {
    expect(forwardedWithoutTrust(req('1.2.3.4', { 'x-forwarded-for': '5.6.7.8' }))).toBe(true);
    expect(forwardedWithoutTrust(req('1.2.3.4', { 'x-forwarded-for': '5.6.7.8' }, 1))).toBe(false);
    expect(forwardedWithoutTrust(req('1.2.3.4'))).toBe(false);
  });
});
