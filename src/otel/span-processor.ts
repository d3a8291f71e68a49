import { startLifecycleLogs } from './lifecycle-logs.js';
import { failureReporter, otelApi, type OtelApi } from './otel-api.js';
import { resolveProcessorOptions, type ProcessorConfig } from './options.js';
import { SESSION_ID } from './span-attributes.js';
import { spanOwnership } from './span-ownership.js';
import type { SessionSpanProcessor, SessionSpanProcessorOptions } from './types.js';

/** Starts the lifecycle log records, when there is anywhere to send them; returns how to stop them. */
function lifecycleLogs(config: ProcessorConfig, api: OtelApi): () => void {
  if (!config.lifecycleLogs) return () => undefined;
  const { loggerProvider } = config;
  const { logs } = api;
  if (loggerProvider !== undefined) return startLifecycleLogs(() => loggerProvider, failureReporter(api));
  if (logs === undefined) return () => undefined; // no logs API installed: no provider can exist
  return startLifecycleLogs(() => logs.getLoggerProvider(), failureReporter(api));
}

/**
 * A span processor that sets `session.id` on every span started inside a request after
 * `logicalSession()`: database and HTTP client spans, Express layer spans, custom spans, also after an
 * `await`. Pair it with {@link setSessionAttributes} for the HTTP server span, which starts before any
 * middleware. Needs `asyncContext` (on by default).
 *
 * Creating it also emits `session.start` and `session.end` as OpenTelemetry log records while a logger
 * provider is registered (see {@link SessionSpanProcessorOptions}); `shutdown()` stops them. Create one
 * per process.
 *
 * The ID goes on spans and the lifecycle records only: never into baggage, which travels to third
 * parties in outgoing headers, and never onto metrics, where one value per session would explode their
 * cardinality.
 *
 * @example
 * ```ts
 * import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
 * import { NodeSDK } from '@opentelemetry/sdk-node';
 * import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
 * import { sessionSpanProcessor } from 'express-logical-session/otel';
 *
 * new NodeSDK({
 *   spanProcessors: [sessionSpanProcessor(), new BatchSpanProcessor(new OTLPTraceExporter())],
 * }).start();
 * ```
 */
export function sessionSpanProcessor(options?: SessionSpanProcessorOptions): SessionSpanProcessor {
  const config = resolveProcessorOptions(options);
  const api = otelApi();
  const ownerOf = spanOwnership(api.spanOf);
  const stopLogs = lifecycleLogs(config, api);
  return {
    onStart(span, parentContext) {
      const owner = ownerOf(span, parentContext);
      if (owner !== undefined) span.setAttribute(SESSION_ID, owner.sessionId);
    },
    onEnd: () => undefined,
    forceFlush: () => Promise.resolve(),
    shutdown() {
      stopLogs();
      return Promise.resolve();
    },
  };
}
