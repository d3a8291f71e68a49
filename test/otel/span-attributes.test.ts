/**
 * setSessionAttributes(span, req) on real SDK spans: what the HTTP server span gets, read from the
 * request the library handled, and nothing (no throw, no new ID) for anything else.
 */
import { INVALID_SPAN_CONTEXT, trace } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Request } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { peekSessionId, regenerateSessionId } from '../../src/index.js';
import { setSessionAttributes, type SpanLike } from '../../src/otel/index.js';
import { buildApp, createClock } from '../helpers/app.js';

const tracer = new BasicTracerProvider().getTracer('test');

/** The attributes setSessionAttributes puts on a fresh recording span for `req`. */
function attributesFor(req: object): ReadableSpan['attributes'] {
  const span = tracer.startSpan('server');
  setSessionAttributes(span, req);
  span.end();
  return (span as unknown as ReadableSpan).attributes;
}

function cookieOf(res: request.Response): string {
  return res.headers['set-cookie']![0]!.split(';')[0]!;
}

function app(generateId?: () => string) {
  const clock = createClock();
  const { app: built } = buildApp({
    options: { idleTimeout: '30m', now: clock.now, generateId },
    routes: (router) => {
      router.get('/', (req, res) => res.json(attributesFor(req)));
      router.post('/regenerate', (req, res) => {
        regenerateSessionId(req);
        res.json(attributesFor(req));
      });
    },
  });
  return { app: built, clock };
}

describe('setSessionAttributes', () => {
  it('sets session.id, and session.previous_id only on the request that rotated', async () => {
    const { app: server, clock } = app();
    const first = await request(server).get('/');
    const cookie = cookieOf(first);
    const id = first.body['session.id'] as string;
    expect(first.body).toEqual({ 'session.id': id }); // new, but it continues nothing
    clock.advance(31 * 60_000);
    const rotated = await request(server).get('/').set('Cookie', cookie);
    expect(rotated.body).toEqual({ 'session.id': expect.not.stringMatching(id), 'session.previous_id': id });
    const next = await request(server).get('/').set('Cookie', cookie);
    expect(next.body).toEqual({ 'session.id': rotated.body['session.id'] });
  });

  it('sees a rotation the route itself made (regenerateSessionId)', async () => {
    const { app: server } = app();
    const first = await request(server).get('/');
    const regenerated = await request(server).post('/regenerate').set('Cookie', cookieOf(first));
    expect(regenerated.body['session.previous_id']).toBe(first.body['session.id']);
    expect(regenerated.body['session.id']).not.toBe(first.body['session.id']);
  });

  it('leaves session.previous_id out when a custom generateId gave the same ID again', async () => {
    const { app: server } = app(() => 'the-same-id');
    const first = await request(server).get('/');
    const again = await request(server).post('/regenerate').set('Cookie', cookieOf(first));
    expect(again.body).toEqual({ 'session.id': 'the-same-id' });
  });

  it('does nothing, throws nothing and creates no ID for a request the library never saw', () => {
    const unseen = { headers: {}, method: 'GET' } as unknown as Request;
    expect(attributesFor(unseen)).toEqual({});
    expect(peekSessionId(unseen)).toBeUndefined();
    // instrumentation-http also calls applyCustomAttributesOnSpan for outgoing requests (a ClientRequest).
    expect(attributesFor({ getHeaders: () => ({}) })).toEqual({});
    expect(() => attributesFor(null as unknown as object)).not.toThrow();
  });

  it('touches no span that is not recording (no SDK, or not sampled)', async () => {
    const notRecording: SpanLike = {
      isRecording: () => false,
      setAttribute: () => {
        throw new Error('must not be called');
      },
      spanContext: () => INVALID_SPAN_CONTEXT,
    };
    const { app: server } = buildApp({
      routes: (router) =>
        router.get('/', (req, res) => {
          setSessionAttributes(notRecording, req);
          setSessionAttributes(trace.wrapSpanContext(INVALID_SPAN_CONTEXT), req);
          res.send('ok');
        }),
    });
    expect((await request(server).get('/')).text).toBe('ok');
  });
});
