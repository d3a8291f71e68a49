import { isUsableId, MAX_GENERATION } from './ids.js';

/**
 * The library's state inside the express-session data, under `req.session.els`: one string, because
 * express-session serializes and hashes the whole session on every request and a short string is the
 * cheapest thing to carry. Space-separated, numbers in base 36:
 * `"<generation> <createdAt ms> <lastActivityAt ms> <id>[ <previousId>]"`. With a default ID it adds 65
 * bytes to the stored session JSON, about 100 with a previous ID. The IDs are stored verbatim, so a
 * logical ID can be searched for in the store.
 *
 * @example
 * ```ts
 * // Read it through getSessionInfo(req); the raw form is for store tooling.
 * const raw: StoredLogicalSession | undefined = req.session.els;
 * // '0 m3s5k0g0 m3s5q2o0 0193b3c1-6e0f-8a4b-9c2d-3e4f5a6b7c8d'
 * ```
 */
// Branded so the app cannot assign any string; the brand is a plain property name, not a unique
// symbol, so the ESM and CommonJS declaration files declare the same type.
export type StoredLogicalSession = string & { readonly __brand: 'express-logical-session/stored' };

/** The decoded fields of a {@link StoredLogicalSession}. */
export interface StoredFields {
  readonly id: string;
  /** How many times the ID has rotated in this cookie session; an input of the derived ID. */
  readonly generation: number;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Last activity written, epoch ms (refreshed at most once per `touchInterval`). */
  readonly lastActivityAt: number;
  /** The logical ID this session continues, if any. */
  readonly previousId: string | undefined;
}

declare module 'express-session' {
  interface SessionData {
    /** express-logical-session's state. Read it through `getSessionInfo(req)`, never set it. */
    els?: StoredLogicalSession;
  }
}

/** A base-36 number of 1-10 digits (always a safe integer) in `text[from, to)`, else -1. */
function base36At(text: string, from: number, to: number): number {
  if (to <= from || to - from > 10) return -1;
  let value = 0;
  for (let i = from; i < to; i += 1) {
    const code = text.charCodeAt(i);
    const digit = code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 122 ? code - 87 : -1;
    if (digit < 0) return -1;
    value = value * 36 + digit;
  }
  return value;
}

/**
 * Decodes `req.session.els`; `undefined` when it is missing or not in the stored format. It runs on
 * every request, hence the scan by hand instead of a capturing regular expression.
 */
export function readStored(value: unknown): StoredFields | undefined {
  if (typeof value !== 'string') return undefined;
  const first = value.indexOf(' ');
  const second = value.indexOf(' ', first + 1);
  const third = second < 0 ? -1 : value.indexOf(' ', second + 1);
  if (first < 0 || third < 0) return undefined;
  const generation = base36At(value, 0, first);
  const createdAt = base36At(value, first + 1, second);
  const lastActivityAt = base36At(value, second + 1, third);
  if (generation < 0 || generation > MAX_GENERATION || createdAt < 0 || lastActivityAt < 0) return undefined;
  const fourth = value.indexOf(' ', third + 1);
  const id = fourth < 0 ? value.slice(third + 1) : value.slice(third + 1, fourth);
  const previousId = fourth < 0 ? undefined : value.slice(fourth + 1);
  // IDs are 1-128 visible ASCII characters (ids.ts), so a space cannot occur inside one.
  if (!isUsableId(id) || (previousId !== undefined && !isUsableId(previousId))) return undefined;
  return { id, generation, createdAt, lastActivityAt, previousId };
}

/** Whole non-negative milliseconds in base 36 (a custom clock may return fractions). */
function base36(value: number): string {
  return Math.max(0, Math.trunc(value)).toString(36);
}

/** The stored form of the fields. */
export function encodeStored(fields: StoredFields): StoredLogicalSession {
  const head = `${base36(fields.generation)} ${base36(fields.createdAt)} ${base36(fields.lastActivityAt)}`;
  const withId = `${head} ${fields.id}`;
  return (fields.previousId === undefined ? withId : `${withId} ${fields.previousId}`) as StoredLogicalSession;
}
