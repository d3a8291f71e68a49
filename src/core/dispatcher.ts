import {
  resolveActivityOptions,
  resolveDispatcherLogger,
  type ActivityConfig,
  type ActivityDispatcherLogger,
  type ActivityDispatcherOptions,
} from './activity-options.js';
import type { ActivityDispatcher, ActivityDispatcherStats, ActivityRecord, ActivitySink } from './activity-types.js';
import { withDeadline } from './deadline.js';
import { RecordQueue } from './record-queue.js';

interface Lane {
  readonly index: number;
  readonly sink: ActivitySink;
  readonly queue: RecordQueue<ActivityRecord>;
  /** Size of the batch being written now; it is outside `queue` until the write settles. */
  inFlight: number;
  /** Tail of this sink's job chain: one write at a time keeps each sink's records in order. */
  tail: Promise<void>;
  /**
   * A `write` that outlived `writeTimeout` and has not settled yet. Until it does, the sink gets no other
   * `write`: a sink is never called concurrently, and a hung database holds one query, not one per retry.
   */
  pending: Promise<unknown> | undefined;
  /** A timer or size-triggered drain is already queued, so another would only repeat it. */
  drainQueued: boolean;
  /** `close()` gave up on this sink: a batch that fails now is dropped, not kept. */
  closed: boolean;
  failing: boolean;
  failedAttempts: number;
  overflowWarned: boolean;
}

interface Counters {
  accepted: number;
  written: number;
  dropped: number;
  failures: number;
}

/**
 * Creates the batching dispatcher that stands between `logActivity` and the sinks.
 *
 * Records are buffered per sink and written by a timer (`flushInterval`, `unref()`ed so it never keeps
 * the process alive) or as soon as `batchSize` are waiting. A sink that throws or rejects does not
 * affect the other sinks; its batch goes back to the head of its buffer and is retried, so writes
 * resume when the database comes back. Each buffer holds at most `maxBuffer` records: past that the
 * oldest are dropped, counted, and reported with one warning per overflow episode.
 * Throws a `LogicalSessionError` (`ERR_ELS_INVALID_OPTION`) for bad options.
 *
 * @example
 * ```ts
 * import { createActivityDispatcher, SqlActivityStore } from 'express-logical-session/activity';
 *
 * const dispatcher = createActivityDispatcher({ sinks: [new SqlActivityStore({ sqlite: 'activity.db' })], logger });
 * dispatcher.push({ eventId: randomUUID(), sessionId, type: 'upload', details: { file: 'a.pdf' }, at: Date.now() });
 * process.on('SIGTERM', () => void dispatcher.close());
 * ```
 */
export function createActivityDispatcher(options: ActivityDispatcherOptions): ActivityDispatcher {
  const caller = 'createActivityDispatcher()';
  const config = resolveActivityOptions(caller, options, '');
  return startDispatcher(config, resolveDispatcherLogger(caller, (options as { logger?: unknown } | null)?.logger));
}

/** The dispatcher for settings already validated (the middleware validates its `activity` option itself). */
export function startDispatcher(
  config: ActivityConfig,
  logger: ActivityDispatcherLogger | undefined,
): ActivityDispatcher {
  const { batchSize, maxBuffer } = config;
  const counters: Counters = { accepted: 0, written: 0, dropped: 0, failures: 0 };
  const lanes: Lane[] = config.sinks.map((sink, index) => ({
    index,
    sink,
    queue: new RecordQueue<ActivityRecord>(),
    inFlight: 0,
    tail: Promise.resolve(),
    pending: undefined,
    drainQueued: false,
    closed: false,
    failing: false,
    failedAttempts: 0,
    overflowWarned: false,
  }));
  let closing: Promise<void> | undefined;
  let warnedAfterClose = false;

  const report = (level: keyof ActivityDispatcherLogger, fields: object, msg: string): void => {
    try {
      logger?.[level](fields, msg);
    } catch {
      // A broken logger must not turn a reported failure into a crash.
    }
  };

  const trim = (lane: Lane): void => {
    const excess = lane.queue.length + lane.inFlight - maxBuffer;
    if (excess <= 0) return;
    const dropped = lane.queue.dropOldest(excess);
    counters.dropped += dropped;
    if (dropped > 0 && !lane.overflowWarned) {
      lane.overflowWarned = true;
      report(
        'warn',
        { sink: lane.index, maxBuffer, dropped: counters.dropped },
        'activity buffer full: dropping the oldest records',
      );
    }
  };

  /** Starts one `write`; it stays the lane's `pending` write until it settles, however late. */
  const startWrite = (lane: Lane, batch: readonly ActivityRecord[]): Promise<unknown> => {
    const write = Promise.resolve().then(() => lane.sink.write(batch));
    lane.pending = write;
    const settled = (): void => {
      if (lane.pending === write) lane.pending = undefined;
    };
    write.then(settled, settled);
    return write;
  };

  const writeBatch = async (lane: Lane): Promise<boolean> => {
    if (lane.pending !== undefined) return false;
    const batch = lane.queue.take(batchSize);
    lane.inFlight = batch.length;
    try {
      await withDeadline(startWrite(lane, batch), config.writeTimeout, 'activity sink write');
      counters.written += batch.length;
      if (lane.failing) {
        report(
          'warn',
          { sink: lane.index, failedAttempts: lane.failedAttempts },
          'activity sink recovered: writes resumed',
        );
      }
      lane.failing = false;
      lane.failedAttempts = 0;
      lane.overflowWarned = false;
      return true;
    } catch (err) {
      counters.failures++;
      lane.failedAttempts++;
      lane.inFlight = 0;
      if (lane.closed) {
        counters.dropped += batch.length;
        return false;
      }
      lane.queue.prepend(batch);
      trim(lane);
      // One error per outage: a database down for an hour must not write a log line per retry.
      if (!lane.failing) {
        report(
          'error',
          { err, sink: lane.index, batch: batch.length, buffered: lane.queue.length },
          'activity sink write failed: records kept for retry',
        );
      }
      lane.failing = true;
      return false;
    } finally {
      lane.inFlight = 0;
    }
  };

  /** Writes what is buffered now (not what arrives meanwhile, so it ends) until a write fails. */
  const drain = async (lane: Lane, fullBatchesOnly: boolean): Promise<void> => {
    let budget = Math.ceil(lane.queue.length / batchSize);
    while (budget-- > 0 && lane.queue.length > 0 && !lane.closed) {
      if (fullBatchesOnly && lane.queue.length < batchSize) return;
      if (!(await writeBatch(lane))) return;
    }
  };

  const enqueue = (lane: Lane, job: () => Promise<void>): Promise<void> => {
    // A rejected tail would skip every later job of this sink, so the chain always settles fulfilled.
    const next = lane.tail.then(job).catch((err: unknown) => {
      report('error', { err, sink: lane.index }, 'activity dispatcher failed unexpectedly');
    });
    lane.tail = next;
    return next;
  };

  const queueDrain = (lane: Lane, fullBatchesOnly: boolean): void => {
    if (lane.drainQueued) return;
    lane.drainQueued = true;
    void enqueue(lane, async () => {
      lane.drainQueued = false;
      await drain(lane, fullBatchesOnly);
    });
  };

  const timer = setInterval(() => {
    for (const lane of lanes) if (lane.queue.length > 0) queueDrain(lane, false);
  }, config.flushInterval);
  timer.unref();

  const push = (record: ActivityRecord): void => {
    try {
      if (closing !== undefined) {
        counters.dropped++;
        if (!warnedAfterClose) {
          warnedAfterClose = true;
          report('warn', { type: record.type }, 'activity record refused: the dispatcher is closed');
        }
        return;
      }
      counters.accepted++;
      for (const lane of lanes) {
        lane.queue.push(record);
        trim(lane);
        // While a sink is failing only the timer retries it, so a dead database is probed once per interval.
        if (lane.queue.length >= batchSize && !lane.failing) queueDrain(lane, true);
      }
    } catch {
      // push must never throw into a request; the counters are plain arithmetic, so this is defensive only.
    }
  };

  const flush = async (): Promise<void> => {
    await Promise.all(lanes.map((lane) => enqueue(lane, () => drain(lane, false))));
  };

  /** Waits for `work` until the deadline at most; what is still running then is left behind. */
  const until = async (work: Promise<unknown>, deadline: number): Promise<void> => {
    await withDeadline(work, Math.max(0, deadline - Date.now()), 'activity close').catch(() => undefined);
  };

  /**
   * The final flush of one sink (after a late write settles), then its `close()`, all within the
   * deadline: a sink that hangs delays shutdown by `writeTimeout` at most. Records it did not take by
   * then are dropped and counted.
   */
  const closeLane = async (lane: Lane, deadline: number): Promise<void> => {
    const finalFlush = enqueue(lane, async () => {
      await lane.pending?.then(undefined, () => undefined);
      await drain(lane, false);
    });
    await until(finalFlush, deadline);
    lane.closed = true;
    const lost = lane.queue.clear();
    if (lost > 0) {
      counters.dropped += lost;
      report(
        'error',
        { sink: lane.index, lost },
        'activity records not written before close: the sink is still failing',
      );
    }
    try {
      await until(
        Promise.resolve().then(() => lane.sink.close?.()),
        deadline,
      );
    } catch (err) {
      report('error', { err, sink: lane.index }, 'activity sink close failed');
    }
  };

  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(timer);
      // One writeTimeout in all; the extra millisecond lets a write started now time out first.
      const deadline = Date.now() + config.writeTimeout + 1;
      await Promise.all(lanes.map((lane) => closeLane(lane, deadline)));
    })();
    return closing;
  };

  const stats: ActivityDispatcherStats = {
    get accepted() {
      return counters.accepted;
    },
    get written() {
      return counters.written;
    },
    get dropped() {
      return counters.dropped;
    },
    get failures() {
      return counters.failures;
    },
    get buffered() {
      return lanes.reduce((sum, lane) => sum + lane.queue.length + lane.inFlight, 0);
    },
  };

  return { push, flush, close, stats };
}
