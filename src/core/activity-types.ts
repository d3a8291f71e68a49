/**
 * One activity event of a logical session, as the core hands it to the `onActivity` hook and to
 * activity sinks.
 *
 * @example
 * ```ts
 * { eventId: '1b4e…', sessionId: '3f2a…', type: 'upload', details: { file: 'a.pdf' }, at: 1732252800000 }
 * ```
 */
export interface ActivityRecord {
  /** Unique ID of this event. Deterministic for `session.start` / `session.end`, so sinks can deduplicate. */
  readonly eventId: string;
  /** The logical session ID the event belongs to. */
  readonly sessionId: string;
  /** What happened: `session.start`, `session.end`, `error`, or any type the app passes to `logActivity`. */
  readonly type: string;
  /** Free-form details; anything JSON can hold (sinks must cope with values it cannot). */
  readonly details: Record<string, unknown> | undefined;
  /** When it happened, epoch milliseconds (from the middleware's clock). */
  readonly at: number;
}

/**
 * Where activity records go. The core batches records and calls `write` off the request path.
 *
 * `write` may be sync or async; a throw or rejection is logged and counted, never seen by a request.
 *
 * Writing your own sink: `write` receives at most `batchSize` records, oldest first, and is never called
 * again for the same sink before the previous call settled. Reject (or throw) when the batch was not stored:
 * the dispatcher keeps it and retries it later, so a write must be safe to repeat; deduplicate on `eventId`
 * if duplicates matter (a retried batch, or a write that timed out but landed). Resolve only once the records
 * are durable enough for you. `details` may hold anything (circular objects, BigInt): pass it through
 * `toJsonSafe` or `serializeDetails` before serializing it yourself. `close` runs once, after the final flush.
 *
 * @example
 * ```ts
 * import { serializeDetails, type ActivitySink } from 'express-logical-session/activity';
 *
 * const httpSink: ActivitySink = {
 *   async write(batch) {
 *     const body = batch.map((r) => ({ ...r, details: serializeDetails(r.details) }));
 *     const res = await fetch('https://collector.example/activity', { method: 'POST', body: JSON.stringify(body) });
 *     if (!res.ok) throw new Error(`collector answered ${res.status}`); // kept and retried
 *   },
 * };
 * ```
 */
export interface ActivitySink {
  /** Persist one batch, in the order the records were accepted. */
  write(batch: readonly ActivityRecord[]): void | Promise<void>;
  /** Release resources; called once by the dispatcher's `close()` after the final flush. */
  close?(): void | Promise<void>;
}
