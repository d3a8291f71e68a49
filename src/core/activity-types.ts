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
 * The activity type of a user link, `{ userId }` in its details: the registry's `linkUser` records it,
 * and the activity store reads it for a session's user and for the unique users of `metrics()`.
 *
 * @example
 * ```ts
 * const linked = (await store.timeline(id)).filter((entry) => entry.type === USER_LINK_ACTIVITY);
 * ```
 */
export const USER_LINK_ACTIVITY = 'session.user';

/**
 * Marks a sink that writes each record to a log (the pino sink): with one of them configured, the
 * middleware's logger does not log activity a second time.
 *
 * @example
 * ```ts
 * const lineSink: ActivitySink = { [LOGS_ACTIVITY]: true, write: (batch) => batch.forEach((r) => console.log(r.type)) };
 * ```
 */
export const LOGS_ACTIVITY: unique symbol = Symbol.for('express-logical-session.logs-activity');

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
  /** `true` when the sink logs every record, as `pinoActivitySink` does: the core then logs none itself. */
  readonly [LOGS_ACTIVITY]?: boolean;
}

/**
 * Live counters of a dispatcher. With several sinks, `written`, `dropped` and `buffered` add up
 * the figures of every sink (a record written to two sinks counts twice); with one sink,
 * `accepted === written + dropped + buffered` at all times.
 *
 * @example
 * ```ts
 * const { accepted, written, dropped, failures, buffered } = dispatcher.stats;
 * ```
 */
export interface ActivityDispatcherStats {
  /** Records taken by `push` (after `close()` they are refused and counted as dropped instead). */
  readonly accepted: number;
  /** Records a sink's `write` confirmed. */
  readonly written: number;
  /** Records given up: oldest dropped from a full buffer, refused after `close()`, or unwritten at `close()`. */
  readonly dropped: number;
  /** Failed `write` calls (each failed batch is kept and retried). */
  readonly failures: number;
  /** Records waiting to be written, including a batch being written now. */
  readonly buffered: number;
}

/**
 * Buffers activity records and writes them to sinks in batches, off the request path.
 *
 * @example
 * ```ts
 * const dispatcher = createActivityDispatcher({ sinks: [store] });
 * dispatcher.push(record);  // from a request: O(1), no I/O, never throws
 * await dispatcher.close(); // at shutdown: writes everything accepted so far
 * ```
 */
export interface ActivityDispatcher {
  /** Queues one record for every sink. O(1), no I/O, never throws. */
  push(record: ActivityRecord): void;
  /** Writes everything buffered now. Never rejects: a failing sink keeps its records for the next try. */
  flush(): Promise<void>;
  /** Stops the timer, flushes, then closes each sink once. Idempotent; never rejects. */
  close(): Promise<void>;
  /** Live counters; see {@link ActivityDispatcherStats}. */
  readonly stats: ActivityDispatcherStats;
}
