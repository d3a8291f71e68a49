import { LOGS_ACTIVITY, type ActivitySink } from '../core/activity-types.js';
import { invalidOption } from '../core/validation.js';
import { toJsonSafe } from './serialize.js';

/**
 * Log levels {@link pinoActivitySink} can write at.
 *
 * @example
 * ```ts
 * const level: ActivityLogLevel = 'debug';
 * ```
 */
export type ActivityLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * The part of a pino logger the sink calls (any logger with the same method shape works).
 *
 * @example
 * ```ts
 * const logger: ActivityLogger = pino();
 * ```
 */
export type ActivityLogger = Partial<Record<ActivityLogLevel, ActivityLogFn>> & { info: ActivityLogFn };

/**
 * One level method of a pino logger.
 *
 * @example
 * ```ts
 * const log: ActivityLogFn = logger.info.bind(logger);
 * ```
 */
export type ActivityLogFn = (obj: object, msg?: string) => void;

/**
 * Options of {@link pinoActivitySink}.
 *
 * @example
 * ```ts
 * pinoActivitySink(logger, { level: 'debug', msg: 'user activity' });
 * ```
 */
export interface PinoActivitySinkOptions {
  /** Level of each line. Defaults to `'info'`. */
  level?: ActivityLogLevel;
  /** Message of each line. Defaults to `'activity'`. */
  msg?: string;
}

/**
 * A sink that writes one structured log line per activity:
 * `{ sessionId, activity: { eventId, type, at, details } }` with message `activity`. Details are made JSON-safe
 * first (circular references, BigInt, huge strings), so a bad value cannot break the logger.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * import { pinoActivitySink } from 'express-logical-session/activity';
 *
 * app.use(logicalSession({ activity: pinoActivitySink(pino()) }));
 * // {"level":30,"sessionId":"3f2a…","activity":{"type":"upload","details":{"file":"a.pdf"},…},"msg":"activity"}
 * ```
 */
export function pinoActivitySink(logger: ActivityLogger, options: PinoActivitySinkOptions = {}): ActivitySink {
  const level = options.level ?? 'info';
  const msg = options.msg ?? 'activity';
  const log = (logger as Partial<ActivityLogger> | null)?.[level];
  if (typeof log !== 'function') {
    throw invalidOption(
      'pinoActivitySink()',
      'logger',
      logger,
      `A logger without a ${level}() method cannot write at level '${level}': pass a pino logger, e.g. pinoActivitySink(pino()).`,
    );
  }
  return {
    [LOGS_ACTIVITY]: true,
    write(batch) {
      for (const record of batch) {
        const details = record.details === undefined ? undefined : toJsonSafe(record.details);
        log.call(
          logger,
          {
            sessionId: record.sessionId,
            activity: { eventId: record.eventId, type: record.type, at: record.at, details },
          },
          msg,
        );
      }
    },
  };
}
