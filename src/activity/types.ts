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
 */
export interface ActivitySink {
  /** Persist one batch, in the order the records were accepted. */
  write(batch: readonly ActivityRecord[]): void | Promise<void>;
  /** Release resources; called once by the dispatcher's `close()` after the final flush. */
  close?(): void | Promise<void>;
}
