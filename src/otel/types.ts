/**
 * The OpenTelemetry shapes this module touches, declared structurally: the module works with the spans
 * and providers of both SDK lines (2.x on `@opentelemetry/api` 1.9, 3.x on 1.10), and its type
 * declarations need no OpenTelemetry package installed to type-check.
 */

/**
 * The part of an OpenTelemetry `Span` the module uses. Every SDK span fits, as does the non-recording
 * span the API hands out when no SDK is registered.
 *
 * @example
 * ```ts
 * import { trace } from '@opentelemetry/api';
 * const span: SpanLike | undefined = trace.getActiveSpan();
 * ```
 */
export interface SpanLike {
  /** How the module puts `session.id` and `session.previous_id` on the span. */
  setAttribute(key: string, value: string): unknown;
  /** `false` for a span that records nothing (no SDK, or not sampled): the module then does nothing. */
  isRecording(): boolean;
  /** The span's identity; the processor uses `traceId` to tell which request a span belongs to. */
  spanContext(): { readonly traceId: string };
}

/**
 * One log record as the module emits it: a `session.start` or `session.end` event.
 *
 * @example
 * ```ts
 * const record: SessionLogRecord = {
 *   eventName: 'session.start',
 *   severityNumber: 9,
 *   severityText: 'INFO',
 *   attributes: { 'session.id': '0193b3c1-6e0f-8a4b-9c2d-3e4f5a6b7c8d' },
 * };
 * ```
 */
export interface SessionLogRecord {
  readonly eventName: string;
  /** `9`, `SeverityNumber.INFO` in both logs APIs. */
  readonly severityNumber: number;
  readonly severityText: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * The part of an OpenTelemetry `Logger` the module uses. `enabled()` is optional: loggers that lack it are
 * asked nothing and simply receive the record.
 *
 * @example
 * ```ts
 * const logger: OtelLoggerLike = loggerProvider.getLogger('my-app');
 * ```
 */
export interface OtelLoggerLike {
  /** Hands one record to the SDK's log record processors. */
  emit(record: SessionLogRecord): void;
  /** Whether a record with these details would go anywhere; asked before each record is built. */
  enabled?(options?: { readonly eventName?: string; readonly severityNumber?: number }): boolean;
}

/**
 * The part of an OpenTelemetry `LoggerProvider` the module uses: an SDK `LoggerProvider` from
 * `@opentelemetry/sdk-logs`, either line.
 *
 * @example
 * ```ts
 * import { LoggerProvider } from '@opentelemetry/sdk-logs';
 * const loggerProvider: LoggerProviderLike = new LoggerProvider({ processors: [] });
 * ```
 */
export interface LoggerProviderLike {
  /** The logger of an instrumentation scope: the module asks for `express-logical-session`. */
  getLogger(name: string, version?: string): OtelLoggerLike;
}

/**
 * Options of {@link sessionSpanProcessor}. Every option is optional.
 *
 * @example
 * ```ts
 * // Spans only; lifecycle events stay in your own logs.
 * sessionSpanProcessor({ lifecycleLogs: false });
 * // Lifecycle events to a provider that is not the global one.
 * sessionSpanProcessor({ loggerProvider });
 * ```
 */
export interface SessionSpanProcessorOptions {
  /**
   * Emit `session.start` and `session.end` as OpenTelemetry log records (event records, with
   * `eventName`). Records go out only while a logger provider is registered. Defaults to `true`.
   */
  lifecycleLogs?: boolean;
  /**
   * Where the lifecycle records go. Defaults to the global logger provider, looked up on every event
   * through `@opentelemetry/api` 1.10 (`logs`) or else `@opentelemetry/api-logs`, so a provider registered
   * after the processor was created is used as soon as it is registered.
   */
  loggerProvider?: LoggerProviderLike;
}

/**
 * What {@link sessionSpanProcessor} returns: an OpenTelemetry `SpanProcessor` (structurally), for the
 * `spanProcessors` of a tracer provider or `NodeSDK`.
 *
 * @example
 * ```ts
 * const processor: SessionSpanProcessor = sessionSpanProcessor();
 * const provider = new NodeTracerProvider({ spanProcessors: [processor, new BatchSpanProcessor(exporter)] });
 * ```
 */
export interface SessionSpanProcessor {
  /** Sets `session.id` on a span started inside a request. */
  onStart(span: SpanLike, parentContext?: unknown): void;
  /** Nothing to do when a span ends. */
  onEnd(span?: unknown): void;
  /** Nothing is buffered: resolves at once. */
  forceFlush(): Promise<void>;
  /** Stops the lifecycle log records (unsubscribes from the lifecycle channels). */
  shutdown(): Promise<void>;
}
