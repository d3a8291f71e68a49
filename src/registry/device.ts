import type { DeviceInfo, DeviceType, ParsedUserAgent } from './types.js';

/** What is stored of the raw header. */
const STORED_LENGTH = 256;
/** What is parsed: the tokens that matter come first, and a bounded input keeps every regex cheap. */
const PARSED_LENGTH = 512;

const BOT = /bot\b|crawler|spider|slurp|curl\/|wget\/|python-requests|httpclient|headless/i;

/** Most specific first: Edge and Opera also say Chrome, Chrome also says Safari. */
const BROWSERS: readonly (readonly [string, RegExp])[] = [
  ['Edge', /\bEdg(?:e|A|iOS)?\/(\d+)/],
  ['Opera', /\b(?:OPR|Opera)\/(\d+)/],
  ['Samsung Internet', /\bSamsungBrowser\/(\d+)/],
  ['Firefox', /\b(?:Firefox|FxiOS)\/(\d+)/],
  ['Chrome', /\b(?:Chrome|CriOS)\/(\d+)/],
  ['Safari', /\bVersion\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\//],
];

const SYSTEMS: readonly (readonly [string, RegExp])[] = [
  ['iOS', /\b(?:iPhone|iPad|iPod)\b/],
  ['Android', /\bAndroid\b/],
  ['ChromeOS', /\bCrOS\b/],
  ['Windows', /\bWindows\b/],
  ['macOS', /\bMac OS X\b|\bMacintosh\b/],
  ['Linux', /\bLinux\b/],
];

function typeOf(ua: string, os: string | undefined): DeviceType {
  if (BOT.test(ua)) return 'bot';
  if (/\biPad\b|\bTablet\b/.test(ua) || (os === 'Android' && !/\bMobile\b/.test(ua))) return 'tablet';
  if (/\bMobi|\biPhone\b|\biPod\b/.test(ua) || os === 'Android') return 'mobile';
  return os === undefined ? 'unknown' : 'desktop';
}

/**
 * The built-in parser: browser family and major version, OS family and the kind of device, which is all
 * Chrome's User-Agent reduction leaves reliable. Replace it with the `parseUserAgent` option.
 */
export function parseUserAgent(userAgent: string): ParsedUserAgent {
  const ua = userAgent.slice(0, PARSED_LENGTH);
  const os = SYSTEMS.find(([, pattern]) => pattern.test(ua))?.[0];
  const type = typeOf(ua, os);
  for (const [browser, pattern] of BROWSERS) {
    const version = pattern.exec(ua)?.[1];
    if (version !== undefined)
      return os === undefined
        ? { browser, browserVersion: version, type }
        : { browser, browserVersion: version, os, type };
  }
  return os === undefined ? { type } : { os, type };
}

function text(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, max) : undefined;
}

/** The device of a request, with a custom parser's answer kept to the documented fields and sizes. */
export function deviceOf(header: unknown, parse: (userAgent: string) => ParsedUserAgent): DeviceInfo {
  const userAgent = typeof header === 'string' ? header : '';
  const parsed = parse(userAgent.slice(0, PARSED_LENGTH));
  const type: DeviceType = ['desktop', 'mobile', 'tablet', 'bot'].includes(parsed.type) ? parsed.type : 'unknown';
  const device: { -readonly [K in keyof DeviceInfo]: DeviceInfo[K] } = {
    type,
    userAgent: userAgent.slice(0, STORED_LENGTH),
  };
  const browser = text(parsed.browser, 64);
  const browserVersion = text(parsed.browserVersion, 16);
  const os = text(parsed.os, 64);
  if (browser !== undefined) device.browser = browser;
  if (browserVersion !== undefined) device.browserVersion = browserVersion;
  if (os !== undefined) device.os = os;
  return device;
}
