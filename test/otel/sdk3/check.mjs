// Runs inside a scratch project that has the OpenTelemetry 3.x line installed (api 1.10, sdk-trace and
// sdk-logs 3.x, and no @opentelemetry/api-logs) and the package built into its node_modules; prints
// what the spans and log records carried, as JSON. Started by test/otel/sdk3.test.ts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { context, logs, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import express from 'express';
import session from 'express-session';
import { getSessionId, logicalSession } from 'express-logical-session';
import { sessionSpanProcessor, setSessionAttributes } from 'express-logical-session/otel';

// 3.x has no NodeTracerProvider.register(): the context manager and the provider are set by hand.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const spans = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({
  spanProcessors: [sessionSpanProcessor(), new SimpleSpanProcessor({ exporter: spans })],
});
trace.setGlobalTracerProvider(tracerProvider);
const records = new InMemoryLogRecordExporter();
logs.setGlobalLoggerProvider(new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: records })] }));
const tracer = trace.getTracer('sdk3-check');

// A span started before the session middleware stands in for the HTTP server span.
const app = express();
app.use((req, res, next) => {
  const server = tracer.startSpan('server');
  res.on('finish', () => {
    setSessionAttributes(server, req);
    server.end();
  });
  context.with(trace.setSpan(context.active(), server), next);
});
app.use(session({ secret: 'sdk3 check secret, long enough', resave: false, saveUninitialized: false }));
app.use(logicalSession());
app.get('/', async (req, res) => {
  await new Promise((resolve) => setTimeout(resolve, 1));
  tracer.startActiveSpan('after-await', (span) => {
    tracer.startSpan('child').end(); // its parent is found through api 1.10's trace.getSpan
    span.end();
  });
  res.json({ id: getSessionId(req) });
});

const listener = app.listen(0, '127.0.0.1');
await new Promise((resolve) => listener.once('listening', resolve));
const { id } = await (await globalThis.fetch(`http://127.0.0.1:${listener.address().port}/`)).json();
await new Promise((resolve) => listener.close(resolve));
while (!spans.getFinishedSpans().some((span) => span.name === 'server')) await new Promise((r) => setTimeout(r, 5));

const require = createRequire(import.meta.url);
const resolves = (name) => {
  try {
    return Boolean(require.resolve(name));
  } catch {
    return false;
  }
};
process.stdout.write(
  JSON.stringify({
    id,
    node: process.version,
    api: JSON.parse(readFileSync(join(dirname(require.resolve('@opentelemetry/api')), '..', 'package.json'), 'utf8'))
      .version,
    apiLogsInstalled: resolves('@opentelemetry/api-logs'),
    spans: spans.getFinishedSpans().map((span) => [span.name, span.attributes['session.id'] ?? null]),
    records: records.getFinishedLogRecords().map((record) => [record.eventName, record.attributes]),
  }),
);
