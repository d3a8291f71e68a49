import { parseDuration } from '../core/duration.js';
import { invalidArgument } from '../core/validation.js';
import { MAX_ROW_ID } from './sql-backend.js';

// Query arguments come from callers at run time (a support tool passes what a person typed), so each is
// checked before it reaches the database, with the library's one message style.
const CALLER = 'SqlActivityStore query';

/** A page or list size, 1 to 1000. */
export function limitOf(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 1000) return value;
  throw invalidArgument(CALLER, 'limit', value, 'Use a whole number from 1 to 1000.');
}

/** A time as epoch ms: a finite number or a valid `Date`. */
export function timeOf(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms === 'number' && Number.isFinite(ms)) return Math.trunc(ms);
  throw invalidArgument(CALLER, name, value, 'Use epoch milliseconds or a Date.');
}

/** A non-empty session ID. */
export function sessionIdOf(value: unknown): string {
  if (typeof value === 'string' && value !== '') return value;
  throw invalidArgument(CALLER, 'sessionId', value, 'Pass the logical session ID string, e.g. from getSessionId(req).');
}

/** The row ID cursor of a timeline page; without one, a `before` alone is exclusive by millisecond. */
export function beforeIdOf(beforeId: unknown, before: unknown): string {
  if (beforeId === undefined) return before === undefined ? MAX_ROW_ID : '0';
  if (typeof beforeId === 'string' && /^\d{1,18}$/.test(beforeId)) return beforeId;
  throw invalidArgument(CALLER, 'beforeId', beforeId, 'Pass the `id` string of an entry this store returned.');
}

/** A positive duration in ms, as `logicalSession()`'s `idleTimeout` takes it. */
export function durationOf(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(value);
  if (ms !== undefined && ms > 0) return ms;
  throw invalidArgument(CALLER, name, value, "Use milliseconds or a duration string such as '30m'.");
}

/** A boolean flag. */
export function flagOf(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  throw invalidArgument(CALLER, name, value, 'Pass true or false.');
}
