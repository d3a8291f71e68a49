import { cutText } from './masking.js';

/**
 * A device as the console shows it: the registry's fields, cut (a User-Agent can be 100 KB), `null` when
 * the registry did not say.
 *
 * @example
 * ```ts
 * { browser: 'Firefox', os: 'Linux', type: 'desktop', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) …' }
 * ```
 */
export interface DeviceView {
  readonly browser: string | null;
  readonly os: string | null;
  readonly type: string;
  readonly userAgent: string;
}

/**
 * A registry entry as the console shows it, read without trusting its shape.
 *
 * @example
 * ```ts
 * { sessionId: '3f2a…', userId: 'u42', createdAt: 1732252800000, lastActivityAt: 1732253400000,
 *   linkedAt: 1732252860000, device: { browser: 'Firefox', os: 'Linux', type: 'desktop', userAgent: '…' }, ipPrefix: '203.0.113.0/24' }
 * ```
 */
export interface RegistryEntryView {
  readonly sessionId: string;
  readonly userId: string;
  readonly createdAt: number;
  readonly lastActivityAt: number;
  readonly linkedAt: number | null;
  readonly device: DeviceView | null;
  readonly ipPrefix: string | null;
}

const textOrNull = (value: unknown, max: number): string | null =>
  typeof value === 'string' && value !== '' ? cutText(value, max) : null;
const timeOrNull = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

function deviceOf(value: unknown): DeviceView | null {
  if (typeof value !== 'object' || value === null) return null;
  const device = value as Record<string, unknown>;
  return {
    browser: textOrNull(device.browser, 100),
    os: textOrNull(device.os, 100),
    type: textOrNull(device.type, 40) ?? 'unknown',
    userAgent: textOrNull(device.userAgent, 300) ?? '',
  };
}

/** An entry of `get()` or `list()`, or `undefined` when it is missing or has no session and user ID. */
export function normalizeEntry(value: unknown): RegistryEntryView | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = value as Record<string, unknown>;
  const sessionId = textOrNull(entry.sessionId, 200);
  const userId = textOrNull(entry.userId, 200);
  if (sessionId === null || userId === null) return undefined;
  const createdAt = timeOrNull(entry.createdAt) ?? 0;
  return {
    sessionId,
    userId,
    createdAt,
    lastActivityAt: timeOrNull(entry.lastActivityAt) ?? createdAt,
    linkedAt: timeOrNull(entry.linkedAt),
    device: deviceOf(entry.device),
    ipPrefix: textOrNull(entry.ipPrefix, 60),
  };
}
