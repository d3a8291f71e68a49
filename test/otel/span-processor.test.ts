/**
 * sessionSpanProcessor() and setSessionAttributes() with the real SDK (2.x line) and the real http,
 * express and pg instrumentations, on a real Express 5 app with express-session and logicalSession():
 * every span of a request carries that request's session.id and never another's, under 50 concurrent
 * sessions; the rotating request's server span carries session.previous_id; the lifecycle arrives as
 * session.start / session.end log records in the request's trace.
 *
 * The OpenTelemetry globals registered here live and die with this file's own worker process (vitest
 * isolates every file); the instrumentations are disabled after the file.
 */
import type * as Http from 'node:http';
import { createRequire } from 'node:module';
import { SpanKind, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-node';
import type Express from 'express';
import type ExpressSession from 'express-session';
import type Pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSessionId, logicalSession } from '../../src/index.js';
import { sessionSpanProcessor, setSessionAttributes } from '../../src/otel/index.js';
import { describeWith, requirePostgres } from '../helpers/services.js';
import { close, CookieClient, listen, until } from './http-client.js';

const spans = new InMemorySpanExporter();
const tracerProvider = new NodeTracerProvider({
  spanProcessors: [sessionSpanProcessor(), new SimpleSpanProcessor(spans)],
});
tracerProvider.register();
const records = new InMemoryLogRecordExporter();
const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: records })] });
logs.setGlobalLoggerProvider(loggerProvider);
const unregister = registerInstrumentations({
  instrumentations: [
    new HttpInstrumentation({ applyCustomAttributesOnSpan: (span, req) => setSessionAttributes(span, req) }),
    new ExpressInstrumentation(),
    new PgInstrumentation(),
  ],
});
// Loaded after the instrumentations: a static import would be hoisted above them, and vitest's import()
// is not patched.
const load = createRequire(import.meta.url);
const express = load('express') as typeof Express;
const session = load('express-session') as typeof ExpressSession;
const http = load('node:http') as typeof Http;
const pg = load('pg') as typeof Pg;

const postgres = requirePostgres();
// A small pool, so that 50 concurrent queries queue: a queued query starts from whichever request
// released a client, inside that other request's AsyncLocalStorage context.
const pool = postgres.available ? new pg.Pool({ connectionString: postgres.url, max: 4 }) : undefined;
const tracer = trace.getTracer('express-logical-session-test');
const clock = { time: Date.UTC(2026, 0, 1) };
const SESSION_ID = 'session.id';
const PREVIOUS_ID = 'session.previous_id';

interface Answer {
  id: string;
  traceId: string;
}

let base = '';
let downstreamBase = '';
let server: Http.Server | undefined;
let downstream: Http.Server | undefined;

function ping(): Promise<void> {
  return new Promise((resolve, reject) => {
    http.get(`${downstreamBase}/ping`, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
}

function answer(req: Express.Request, res: Express.Response): void {
  res.json({ id: getSessionId(req), traceId: trace.getActiveSpan()?.spanContext().traceId });
}

beforeAll(async () => {
  downstream = http.createServer((_req, res) => res.end('pong'));
  downstreamBase = await listen(downstream);
  const app = express();
  app.use(session({ secret: 'otel test secret that is long enough', resave: false, saveUninitialized: false }));
  app.use(logicalSession({ idleTimeout: '30m', now: () => clock.time }));
  app.get('/work', async (req, res) => {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5)); // interleave the requests
    await tracer.startActiveSpan('after-await', async (span) => {
      await ping();
      span.end();
    });
    answer(req, res);
  });
  app.get('/db', async (req, res) => {
    await pool?.query('SELECT $1::text AS id', [getSessionId(req)]);
    answer(req, res);
  });
  server = http.createServer(app);
  base = await listen(server);
});

afterAll(async () => {
  await Promise.all([close(server), close(downstream), pool?.end()]);
  unregister();
  await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown()]);
});

const spansOf = (traceId: string): ReadableSpan[] =>
  spans.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
const named = (traceId: string, name: string): ReadableSpan[] => spansOf(traceId).filter((span) => span.name === name);
const serverSpan = (traceId: string): ReadableSpan | undefined =>
  spansOf(traceId).find((span) => span.kind === SpanKind.SERVER && span.name.endsWith('/work'));

/** 50 browsers, each with its own session, in parallel. */
async function concurrentSessions(path: string): Promise<Answer[]> {
  const clients = Array.from({ length: 50 }, () => new CookieClient(base));
  await Promise.all(clients.map((client) => client.get(path))); // every one starts a session
  const answers = await Promise.all(clients.map(async (client) => (await client.get<Answer>(path)).body));
  expect(new Set(answers.map((a) => a.id)).size).toBe(50);
  return answers;
}

/** The spans of each request carry its session.id or none, never another request's. */
function expectNoOtherSession(answers: Answer[]): void {
  for (const { id, traceId } of answers) {
    const foreign = spansOf(traceId).filter((span) => ![id, undefined].includes(span.attributes[SESSION_ID] as string));
    expect(foreign.map((span) => `${span.name}: ${String(span.attributes[SESSION_ID])}`)).toEqual([]);
  }
}

describe('spans of 50 concurrent sessions', () => {
  it('carry their own request session.id: server, handler, custom after an await, outgoing http', async () => {
    spans.reset();
    const answers = await concurrentSessions('/work');
    const pingServer = (traceId: string) =>
      spansOf(traceId).find((s) => s.kind === SpanKind.SERVER && s !== serverSpan(traceId));
    await until(() => answers.every((a) => serverSpan(a.traceId) && pingServer(a.traceId)), 'the server spans');
    for (const { id, traceId } of answers) {
      expect(serverSpan(traceId)?.attributes[SESSION_ID], 'server span').toBe(id);
      expect(named(traceId, 'request handler')[0]?.attributes[SESSION_ID], 'handler').toBe(id);
      expect(named(traceId, 'after-await')[0]?.attributes[SESSION_ID], 'custom span').toBe(id);
      const outgoing = spansOf(traceId).filter((span) => span.kind === SpanKind.CLIENT);
      expect(
        outgoing.map((span) => span.attributes[SESSION_ID]),
        'outgoing http.get',
      ).toEqual([id]);
      // The called server is another app in the same process: the ID must not leak into its spans.
      expect(pingServer(traceId)?.attributes[SESSION_ID], 'the called server').toBeUndefined();
      // Spans that start before logicalSession() has run know no session yet (see README).
      expect(named(traceId, 'middleware - session')[0]?.attributes[SESSION_ID]).toBeUndefined();
    }
    expectNoOtherSession(answers);
  });

  it('each new session emits one session.start log record, in its own request trace', async () => {
    records.reset();
    const clients = Array.from({ length: 50 }, () => new CookieClient(base));
    const answers = await Promise.all(clients.map(async (client) => (await client.get<Answer>('/work')).body));
    const starts = records.getFinishedLogRecords().filter((record) => record.eventName === 'session.start');
    expect(starts).toHaveLength(50);
    for (const { id, traceId } of answers) {
      const mine = starts.filter((record) => record.attributes[SESSION_ID] === id);
      expect(mine.map((record) => [record.spanContext?.traceId, record.attributes])).toEqual([
        [traceId, { [SESSION_ID]: id }],
      ]);
    }
    expect(starts[0]?.instrumentationScope.name).toBe('express-logical-session');
  });
});

describeWith(postgres, 'a pg query inside each of 50 concurrent sessions', () => {
  it('carries its own request session.id, though the pool starts queued queries from other requests', async () => {
    spans.reset();
    const answers = await concurrentSessions('/db');
    for (const { id, traceId } of answers) {
      const queries = named(traceId, 'pg.query:SELECT test');
      expect(queries.map((span) => span.attributes[SESSION_ID])).toEqual([id]);
      expect(named(traceId, 'pg-pool.connect').map((span) => span.attributes[SESSION_ID])).toEqual([id]);
    }
    expectNoOtherSession(answers);
  });
});

describe('a rotation', () => {
  it('puts session.previous_id on the rotating request only, and logs end before start', async () => {
    records.reset();
    const client = new CookieClient(base);
    const first = (await client.get<Answer>('/work')).body;
    clock.time += 31 * 60_000; // past idleTimeout: the next request rotates
    const rotated = (await client.get<Answer>('/work')).body;
    const after = (await client.get<Answer>('/work')).body;
    expect(rotated.id).not.toBe(first.id);
    expect(after.id).toBe(rotated.id);
    await until(() => [first, rotated, after].every((a) => serverSpan(a.traceId)), 'the server spans');

    expect(serverSpan(rotated.traceId)?.attributes).toMatchObject({
      [SESSION_ID]: rotated.id,
      [PREVIOUS_ID]: first.id,
    });
    expect(named(rotated.traceId, 'request handler')[0]?.attributes[SESSION_ID]).toBe(rotated.id);
    for (const quiet of [first, after]) expect(serverSpan(quiet.traceId)?.attributes[PREVIOUS_ID]).toBeUndefined();

    const lifecycle = records
      .getFinishedLogRecords()
      .map((record) => [record.eventName, record.attributes, record.spanContext?.traceId]);
    expect(lifecycle).toEqual([
      ['session.start', { [SESSION_ID]: first.id }, first.traceId],
      ['session.end', { [SESSION_ID]: first.id }, rotated.traceId],
      ['session.start', { [SESSION_ID]: rotated.id, [PREVIOUS_ID]: first.id }, rotated.traceId],
    ]);
  });
});
