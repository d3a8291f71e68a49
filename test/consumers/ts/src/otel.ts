// The otel entry against the real OpenTelemetry SDK types: its structural types fit a tracer provider's
// spanProcessors, instrumentation-http's hooks and an SDK LoggerProvider.
import { trace } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  sessionSpanProcessor,
  setSessionAttributes,
  type LoggerProviderLike,
  type OtelLoggerLike,
  type SessionLogRecord,
  type SessionSpanProcessor,
  type SessionSpanProcessorOptions,
  type SpanLike,
} from 'express-logical-session/otel';

const loggerProvider: LoggerProviderLike = new LoggerProvider({ processors: [] });
const logger: OtelLoggerLike = loggerProvider.getLogger('consumer');
const record: SessionLogRecord = {
  eventName: 'session.start',
  severityNumber: 9,
  severityText: 'INFO',
  attributes: { 'session.id': 'an-id' },
};
if (logger.enabled?.({ eventName: record.eventName }) !== false) logger.emit(record);

const options: SessionSpanProcessorOptions = { lifecycleLogs: true, loggerProvider };
const processor: SessionSpanProcessor = sessionSpanProcessor(options);
const sdkProcessor: SpanProcessor = processor;
export const tracerProvider = new BasicTracerProvider({ spanProcessors: [sdkProcessor, sessionSpanProcessor()] });

export const httpInstrumentation = new HttpInstrumentation({
  applyCustomAttributesOnSpan: (span, req) => setSessionAttributes(span, req),
});

export function stampActiveSpan(req: object): void {
  const active: SpanLike | undefined = trace.getActiveSpan();
  if (active) setSessionAttributes(active, req);
}
