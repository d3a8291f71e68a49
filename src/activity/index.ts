/**
 * `express-logical-session/activity`: activity sinks, the SQL activity store and the batching dispatcher.
 *
 * @example
 * ```ts
 * import { SqlActivityStore, pinoActivitySink } from 'express-logical-session/activity';
 * ```
 * @packageDocumentation
 */
export {
  LOGS_ACTIVITY,
  USER_LINK_ACTIVITY,
  type ActivityDispatcher,
  type ActivityDispatcherStats,
  type ActivityRecord,
  type ActivitySink,
} from '../core/activity-types.js';
export { createActivityDispatcher } from '../core/dispatcher.js';
export type { ActivityDispatcherLogger, ActivityDispatcherOptions } from '../core/activity-options.js';
export {
  pinoActivitySink,
  type ActivityLogFn,
  type ActivityLogger,
  type ActivityLogLevel,
  type PinoActivitySinkOptions,
} from './pino-sink.js';
export { SqlActivityStore } from './sql-store.js';
export { DEFAULT_ACTIVITY_TABLE, postgresSchema, sqliteSchema } from './sql-schema.js';
export { serializeDetails, toJsonSafe, TRUNCATED_KEY, type SerializeLimits } from './serialize.js';
export type {
  ActivityEntry,
  ActivityMetrics,
  ActivityReader,
  MetricsOptions,
  SessionListItem,
  SessionsOptions,
  SessionSummary,
  TimelineOptions,
} from './reader.js';
export type {
  PgQueryable,
  SqlActivityStoreCommonOptions,
  SqlActivityStoreOptions,
  SqliteDatabaseLike,
  SqliteStatementLike,
} from './store-types.js';
