/**
 * Which request a span belongs to, on real SDK spans with explicit parent contexts: the cases a
 * connection pool produces, where a span starts inside one request's AsyncLocalStorage context on
 * behalf of another request, or of no request at all.
 */
import { context, ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { storage, type RequestContext } from '../../src/core/context.js';
import { sessionSpanProcessor } from '../../src/otel/index.js';

const tracer = new BasicTracerProvider({ spanProcessors: [sessionSpanProcessor({ lifecycleLogs: false })] }).getTracer(
  'test',
);

function start(name: string, parent?: Span): Span {
  return tracer.startSpan(name, {}, parent === undefined ? ROOT_CONTEXT : trace.setSpan(context.active(), parent));
}
const sessionOf = (span: Span): unknown => (span as unknown as ReadableSpan).attributes['session.id'];
const inRequest = <T>(request: RequestContext, fn: () => T): T => storage.run(request, fn);
const contextOf = (sessionId: string): RequestContext => ({
  sessionId,
  logParent: undefined,
  logChild: undefined,
  logBoundId: undefined,
});

describe('the session a span gets', () => {
  it('is the one of the request whose context it starts in', () => {
    const request = contextOf('A');
    const root = inRequest(request, () => start('handler'));
    expect(sessionOf(root)).toBe('A');
    expect(sessionOf(start('outside any request'))).toBeUndefined();
  });

  it("is its parent's request, when the parent belongs to another request than the current context", () => {
    const a = contextOf('A');
    const parentOfA = inRequest(a, () => start('pg-pool.connect'));
    // A pool hands A's queued query to a client released by B: the query starts in B's context.
    const query = inRequest(contextOf('B'), () => start('pg.query', parentOfA));
    expect(sessionOf(query)).toBe('A');
  });

  it('is none, when the parent belongs to no request and to another trace than the current request', () => {
    const job = start('nightly job');
    const b = contextOf('B');
    inRequest(b, () => start('handler of B'));
    const query = inRequest(b, () => start("the job's query, released by B", job));
    expect(sessionOf(query)).toBeUndefined();
  });

  it("follows the request's current ID: a child started after a mid-request rotation gets the new one", () => {
    const request = contextOf('old');
    const handler = inRequest(request, () => start('handler'));
    request.sessionId = 'new'; // what regenerateSessionId does to the context, in place
    expect(sessionOf(start('after the rotation', handler))).toBe('new');
    expect(sessionOf(handler)).toBe('old');
  });

  it('is the current request for a span handed over without a parent context; onEnd and forceFlush do nothing', async () => {
    const processor = sessionSpanProcessor({ lifecycleLogs: false });
    const span = start('handed over');
    inRequest(contextOf('A'), () => processor.onStart(span));
    processor.onEnd(span);
    await processor.forceFlush();
    expect(sessionOf(span)).toBe('A');
  });

  it('is the request, for a second root span of the same request (no HTTP instrumentation)', () => {
    const request = contextOf('A');
    inRequest(request, () => start('first'));
    expect(sessionOf(inRequest(request, () => start('second')))).toBe('A');
  });
});
