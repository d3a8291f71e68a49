/**
 * Every code the library can raise. Stable across releases: match on `err.code`, not on messages.
 * docs/errors.md lists each with its cause and fix.
 *
 * @example
 * ```ts
 * app.post('/logout', async (req, res, next) => {
 *   try {
 *     await endSession(req, res);
 *   } catch (err) {
 *     if (err instanceof LogicalSessionError && err.code === ErrorCodes.NO_SESSION) return res.redirect('/');
 *     return next(err);
 *   }
 *   res.redirect('/');
 * });
 * ```
 */
export const ErrorCodes = {
  /** An option has a value of the wrong type or out of range. */
  INVALID_OPTION: 'ERR_ELS_INVALID_OPTION',
  /** An option name the library does not know (usually a typo). */
  UNKNOWN_OPTION: 'ERR_ELS_UNKNOWN_OPTION',
  /** `app.use(logicalSession)` instead of `app.use(logicalSession())`. */
  NOT_CALLED: 'ERR_ELS_NOT_CALLED',
  /** No `req.session` at request time: express-session's `session()` is not mounted before `logicalSession()`. */
  SESSION_NOT_MOUNTED: 'ERR_ELS_SESSION_NOT_MOUNTED',
  /** A session action (restart, rotate, end) was asked for on a request that has no usable session. */
  NO_SESSION: 'ERR_ELS_NO_SESSION',
  /** The session store failed during a session action; the original error is the `cause`. */
  STORE_FAILED: 'ERR_ELS_STORE_FAILED',
  /** A function of the library was called with an argument it cannot use. */
  INVALID_ARGUMENT: 'ERR_ELS_INVALID_ARGUMENT',
  /** An optional peer dependency a module needs (better-sqlite3 for the SQLite session store) cannot be loaded. */
  MISSING_DEPENDENCY: 'ERR_ELS_MISSING_DEPENDENCY',
  /** The SQLite session store could not read or write its database; the SQLite error is the `cause`. */
  STORE_UNAVAILABLE: 'ERR_ELS_STORE_UNAVAILABLE',
  /** The SQLite session store cannot hold or read one session: its ID, its data or its stored row. */
  INVALID_SESSION_RECORD: 'ERR_ELS_INVALID_SESSION_RECORD',
  /** The session registry's backend (Redis, SQLite) failed or did not answer in time; the backend's error is the `cause`. */
  REGISTRY_FAILED: 'ERR_ELS_REGISTRY_FAILED',
} as const;

/**
 * One of the `ERR_ELS_*` codes in {@link ErrorCodes}.
 *
 * @example
 * ```ts
 * const retryable = (code: ErrorCode): boolean => code === ErrorCodes.STORE_FAILED;
 * ```
 */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * The error class of everything the library throws or passes to `next()`.
 *
 * It extends `TypeError` so that option mistakes caught at start-up are also plain `TypeError`s,
 * as the API promises; match on the stable `code` rather than on the message.
 *
 * @example
 * ```ts
 * try {
 *   logicalSession({ idleTimeout: 'abc' });
 * } catch (err) {
 *   if (err instanceof LogicalSessionError && err.code === 'ERR_ELS_INVALID_OPTION') {
 *     console.error(err.message); // names the option, the value received and the fix
 *   }
 * }
 * ```
 */
export class LogicalSessionError extends TypeError {
  /** Stable machine-readable code, one of {@link ErrorCodes}. */
  readonly code: string;
  /** HTTP status an error handler should use when this error reaches it. */
  readonly status: number;

  constructor(code: string, message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LogicalSessionError';
    this.code = code;
    this.status = options?.status ?? 500;
  }
}

/** Shows a received value in an error message without dumping huge or hostile input. */
export function describeValue(value: unknown): string {
  if (typeof value === 'function') return `a function (${value.name || 'anonymous'})`;
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'bigint') return `${value.toString()}n`;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return 'an object';
}
