import {
  resolveActivityOptions,
  resolveDispatcherLogger,
  type ActivityConfig,
  type ActivityDispatcherLogger,
  type ActivityDispatcherOptions,
} from './activity-options.js';
import type { ActivityRecord, ActivitySink } from './activity-types.js';
import { RecordQueue } from './record-queue.js';

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

interface Lane {
  readonly index: number;
  readonly sink: ActivitySink;
  readonly queue: RecordQueue<ActivityRecord>;
  /** Size of the batch being written now; it is outside `queue` until the write settles. */
  inFlight: number;
  /** Tail of this sink's job chain: one write at a time keeps each sink's records in order. */
  tail: Promise<void>;
  /** A timer or size-triggered drain is already queued, so another would only repeat it. */
  drainQueued: boolean;
  failing: boolean;
  failedAttempts: number;
  overflowWarned: boolean;
}

/** Rejects when the sink has not settled in time; a synchronous throw becomes a rejection too. */
async function writeWithin(sink: ActivitySink, batch: readonly ActivityRecord[], timeout: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`activity sink write did not settle within ${timeout} ms`));
    }, timeout);
    timer.unref();
  });
  try {
    await Promise.race([Promise.resolve().then(() => sink.write(batch)), expired]);
  } finally {
    clearTimeout(timer);
  }
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
    drainQueued: false,
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

  const writeBatch = async (lane: Lane): Promise<boolean> => {
    const batch = lane.queue.take(batchSize);
    lane.inFlight = batch.length;
    try {
      await writeWithin(lane.sink, batch, config.writeTimeout);
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
    while (budget-- > 0 && lane.queue.length > 0) {
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

  const closeSink = async (lane: Lane): Promise<void> => {
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
      await lane.sink.close?.();
    } catch (err) {
      report('error', { err, sink: lane.index }, 'activity sink close failed');
    }
  };

  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(timer);
      await flush();
      await Promise.all(lanes.map(closeSink));
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
