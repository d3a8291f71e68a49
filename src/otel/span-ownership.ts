import { storage, type RequestContext } from '../core/context.js';
import type { SpanLike } from './types.js';

/** Tells which request a span belongs to; `undefined` for a span of no request. */
export type SpanOwnership = (span: SpanLike, parentContext: unknown) => RequestContext | undefined;

/**
 * The request's AsyncLocalStorage context alone is not enough to tell: a connection pool (pg's, for one)
 * starts a queued query from whichever request released a client, so that query's span begins inside
 * another request's context. OpenTelemetry's context follows the callbacks the instrumentations bind, so:
 *
 * 1. a span whose parent belongs to a request belongs to that request;
 * 2. otherwise, to the request whose context it started in, unless it has a parent in a trace other than
 *    that request's (the trace of the first span seen in the request's context).
 *
 * Both memories are weak: they end with the spans and the requests.
 */
export function spanOwnership(spanOf: ((context: unknown) => SpanLike | undefined) | undefined): SpanOwnership {
  const owners = new WeakMap<object, RequestContext>();
  const traces = new WeakMap<RequestContext, string>();

  function fromContext(span: SpanLike, hasParent: boolean): RequestContext | undefined {
    const request = storage.getStore();
    if (request === undefined) return undefined;
    const traceId = span.spanContext().traceId;
    const known = traces.get(request);
    if (known === undefined) {
      traces.set(request, traceId);
      return request;
    }
    return known === traceId || !hasParent ? request : undefined;
  }

  return (span, parentContext) => {
    const parent = parentContext === undefined ? undefined : spanOf?.(parentContext);
    const owner = (parent === undefined ? undefined : owners.get(parent)) ?? fromContext(span, parent !== undefined);
    if (owner !== undefined) owners.set(span, owner);
    return owner;
  };
}
