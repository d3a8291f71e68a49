const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;

/**
 * A length of time: milliseconds as a number, or a string of a number and a unit
 * (`'500ms'`, `'90s'`, `'30m'`, `'1h'`, `'7d'`).
 *
 * @example
 * ```ts
 * const idleTimeout: Duration = '30m'; // the same as 1_800_000
 * logicalSession({ idleTimeout, absoluteTimeout: '12h', touchInterval: 60_000 });
 * ```
 */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

/** Milliseconds for a duration, or `undefined` when the value is not a usable duration. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = DURATION.exec(value);
  if (!match) return undefined;
  const [, amount, unit] = match as unknown as [string, string, keyof typeof UNIT_MS];
  return Math.round(Number(amount) * UNIT_MS[unit]);
}
