/**
 * `express-logical-session/activity`: activity sinks, the SQL activity store and the batching dispatcher.
 *
 * @example
 * ```ts
 * import { SqlActivityStore, pinoActivitySink } from 'express-logical-session/activity';
 * ```
 * @packageDocumentation
 */
export type { ActivityRecord, ActivitySink } from './types.js';
export { createActivityDispatcher, type ActivityDispatcher, type ActivityDispatcherStats } from './dispatcher.js';
export {
  DISPATCHER_DEFAULTS,
  resolveDispatcherOptions,
  toSinkList,
  type ActivityDispatcherLogger,
  type ActivityDispatcherOptions,
  type ResolvedDispatcherOptions,
} from './dispatcher-options.js';
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
  PgQueryable,
  SessionListItem,
  SessionsOptions,
  SessionSummary,
  SqlActivityStoreCommonOptions,
  SqlActivityStoreOptions,
  SqliteDatabaseLike,
  SqliteStatementLike,
  TimelineOptions,
} from './store-types.js';
