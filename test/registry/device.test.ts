/** The built-in User-Agent parser: browser family and major, OS family, kind of device; nothing more. */
import { describe, expect, it } from 'vitest';
import { deviceOf, parseUserAgent } from '../../src/registry/device.js';

const cases: [string, string, ReturnType<typeof parseUserAgent>][] = [
  [
    'Chrome on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    { browser: 'Chrome', browserVersion: '126', os: 'Windows', type: 'desktop' },
  ],
  [
    'Edge on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87',
    { browser: 'Edge', browserVersion: '126', os: 'Windows', type: 'desktop' },
  ],
  [
    'Firefox on Linux',
    'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    { browser: 'Firefox', browserVersion: '128', os: 'Linux', type: 'desktop' },
  ],
  [
    'Safari on macOS',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    { browser: 'Safari', browserVersion: '17', os: 'macOS', type: 'desktop' },
  ],
  [
    'Safari on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    { browser: 'Safari', browserVersion: '17', os: 'iOS', type: 'mobile' },
  ],
  [
    'Chrome on iPad',
    'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1',
    { browser: 'Chrome', browserVersion: '126', os: 'iOS', type: 'tablet' },
  ],
  [
    'Chrome on Android (reduced)',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
    { browser: 'Chrome', browserVersion: '126', os: 'Android', type: 'mobile' },
  ],
  [
    'Android tablet',
    'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    { browser: 'Chrome', browserVersion: '126', os: 'Android', type: 'tablet' },
  ],
  [
    'Samsung Internet',
    'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
    { browser: 'Samsung Internet', browserVersion: '25', os: 'Android', type: 'mobile' },
  ],
  [
    'Opera',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0',
    { browser: 'Opera', browserVersion: '111', os: 'Windows', type: 'desktop' },
  ],
  [
    'ChromeOS',
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    { browser: 'Chrome', browserVersion: '126', os: 'ChromeOS', type: 'desktop' },
  ],
  ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', { type: 'bot' }],
  ['curl', 'curl/8.5.0', { type: 'bot' }],
  ['nothing', '', { type: 'unknown' }],
];

describe('parseUserAgent', () => {
  it.each(cases)('%s', (_name, ua, expected) => {
    expect(parseUserAgent(ua)).toEqual(expected);
  });

  it('parses a 100 KB header in bounded time, reading only its start', () => {
    const started = performance.now();
    const device = deviceOf(`${'Mozilla/5.0 ('.repeat(8_000)}Firefox/1`, parseUserAgent);
    expect(performance.now() - started).toBeLessThan(50);
    expect(device.userAgent).toHaveLength(256);
    expect(device.browser).toBeUndefined();
  });

  it('keeps a custom parser to the documented fields and sizes', () => {
    const device = deviceOf(
      'ua',
      () => ({ browser: 'b'.repeat(100), os: 42 as never, type: 'toaster' as never, extra: 1 }) as never,
    );
    expect(device).toEqual({ browser: 'b'.repeat(64), type: 'unknown', userAgent: 'ua' });
    expect(deviceOf(['not', 'a', 'string'], parseUserAgent)).toEqual({ type: 'unknown', userAgent: '' });
  });
});
