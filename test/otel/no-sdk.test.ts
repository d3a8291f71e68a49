/**
 * The module installed with no SDK, as benchmark app J runs it: sessionSpanProcessor() created, no
 * tracer provider and no logger provider registered. Requests behave as without it, nothing is emitted
 * and nothing throws; a logger provider registered later is used from then on.
 */
import { trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { LIFECYCLE_CHANNELS } from '../../src/core/listeners.js';
import { getSessionId } from '../../src/index.js';
import { sessionSpanProcessor, setSessionAttributes } from '../../src/otel/index.js';
import { buildApp, createClock } from '../helpers/app.js';

const processor = sessionSpanProcessor();
const clock = createClock();
const { app } = buildApp({
  options: { idleTimeout: '30m', now: clock.now },
  routes: (router) =>
    router.get('/', (req, res) => {
      const span = trace.getTracer('app').startSpan('work'); // a non-recording span: no SDK
      setSessionAttributes(span, req);
      span.end();
      res.json({ id: getSessionId(req), active: trace.getActiveSpan() ?? null, recording: span.isRecording() });
    }),
});

afterAll(() => processor.shutdown());

describe('without an SDK', () => {
  it('requests run as usual through new sessions and rotations; nothing is emitted, later providers are used', async () => {
    expect(LIFECYCLE_CHANNELS.start.hasSubscribers).toBe(true); // api-logs is installed here
    const first = await request(app).get('/');
    expect(first.body).toEqual({ id: expect.any(String), active: null, recording: false });
    const cookie = first.headers['set-cookie']![0]!.split(';')[0]!;
    clock.advance(31 * 60_000);
    const rotated = await request(app).get('/').set('Cookie', cookie);
    expect(rotated.body.id).not.toBe(first.body.id);

    const exporter = new InMemoryLogRecordExporter();
    logs.setGlobalLoggerProvider(new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] }));
    const later = await request(app).get('/');
    expect(exporter.getFinishedLogRecords().map((record) => [record.eventName, record.attributes])).toEqual([
      ['session.start', { 'session.id': later.body.id }],
    ]);
    logs.disable();
  });
});
