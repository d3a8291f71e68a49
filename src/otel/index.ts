/**
 * `express-logical-session/otel`: the logical session ID on OpenTelemetry spans (`session.id`,
 * `session.previous_id`), and the session lifecycle as OpenTelemetry log records. `@opentelemetry/api` is
 * an optional peer; without an SDK registered, nothing here runs on the request path.
 *
 * @example
 * ```ts
 * import { sessionSpanProcessor, setSessionAttributes } from 'express-logical-session/otel';
 * ```
 * @packageDocumentation
 */
export { sessionSpanProcessor } from './span-processor.js';
export { setSessionAttributes } from './span-attributes.js';
export type {
  LoggerProviderLike,
  OtelLoggerLike,
  SessionLogRecord,
  SessionSpanProcessor,
  SessionSpanProcessorOptions,
  SpanLike,
} from './types.js';
