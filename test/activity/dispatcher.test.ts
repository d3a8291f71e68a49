import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActivityDispatcher } from '../../src/core/dispatcher.js';
import type { ActivityRecord, ActivitySink } from '../../src/core/activity-types.js';
import { activity, spyLogger } from './records.js';

/** A sink that records batches and can be switched to fail. */
function memorySink() {
  const batches: ActivityRecord[][] = [];
  const state = { failing: false, closed: 0 };
  const sink: ActivitySink & { batches: ActivityRecord[][]; state: typeof state; types(): string[] } = {
    batches,
    state,
    types: () => batches.flat().map((record) => record.type),
    write(batch) {
      if (state.failing) throw new Error('database unavailable');
      batches.push([...batch]);
    },
    close() {
      state.closed++;
    },
  };
  return sink;
}

const records = (count: number, prefix = 'r'): ActivityRecord[] =>
  Array.from({ length: count }, (_, i) => activity('s', `${prefix}${i}`));

describe('createActivityDispatcher', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('push does no I/O: nothing is written until the current turn of the event loop has ended', async () => {
    const sink = memorySink();
    const dispatcher = createActivityDispatcher({ sinks: [sink], batchSize: 2 });
    for (const record of records(5)) dispatcher.push(record);
    expect(sink.batches).toEqual([]);
    await vi.waitFor(() => expect(sink.batches).toHaveLength(2));
    expect(sink.batches.map((batch) => batch.length)).toEqual([2, 2]);
    expect(dispatcher.stats).toMatchObject({ accepted: 5, written: 4, buffered: 1 });
    await dispatcher.close();
  });

  it('writes a partial batch when flushInterval elapses', async () => {
    vi.useFakeTimers();
    const sink = memorySink();
    const dispatcher = createActivityDispatcher({ sinks: [sink], batchSize: 100, flushInterval: 1000 });
    dispatcher.push(activity('s', 'upload'));
    await vi.advanceTimersByTimeAsync(999);
    expect(sink.batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.types()).toEqual(['upload']);
    await dispatcher.close();
  });

  it('keeps a failed batch, retries it in order, and logs one error per outage', async () => {
    const sink = memorySink();
    const logger = spyLogger();
    const dispatcher = createActivityDispatcher({ sinks: [sink], batchSize: 3, logger });
    sink.state.failing = true;
    for (const record of records(7)) dispatcher.push(record);
    await dispatcher.flush();
    await dispatcher.flush();
    expect(dispatcher.stats).toMatchObject({ accepted: 7, written: 0, buffered: 7, dropped: 0 });
    expect(dispatcher.stats.failures).toBeGreaterThanOrEqual(2);
    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0]!.obj).toMatchObject({ err: expect.objectContaining({ message: 'database unavailable' }) });

    sink.state.failing = false;
    await dispatcher.flush();
    expect(sink.types()).toEqual(records(7).map((record) => record.type));
    expect(dispatcher.stats).toMatchObject({ written: 7, buffered: 0 });
    expect(logger.warnings.map((warning) => warning.msg)).toEqual(['activity sink recovered: writes resumed']);
    await dispatcher.close();
  });

  it('a failing or rejecting sink does not stop the other sinks', async () => {
    const healthy = memorySink();
    const broken: ActivitySink = { write: () => Promise.reject(new Error('down')) };
    const dispatcher = createActivityDispatcher({ sinks: [broken, healthy], batchSize: 2, logger: spyLogger() });
    for (const record of records(5)) dispatcher.push(record);
    await dispatcher.flush();
    expect(healthy.types()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(dispatcher.stats.failures).toBeGreaterThan(0);
    expect(dispatcher.stats.buffered).toBe(5);
  });

  it('bounds the buffer: drops the oldest, counts every drop, warns once per overflow episode', async () => {
    const sink = memorySink();
    const logger = spyLogger();
    const dispatcher = createActivityDispatcher({ sinks: [sink], batchSize: 2, maxBuffer: 5, logger });
    sink.state.failing = true;
    for (const record of records(12)) dispatcher.push(record);
    await dispatcher.flush();
    expect(dispatcher.stats).toMatchObject({ accepted: 12, dropped: 7, buffered: 5 });
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toMatchObject({
      msg: 'activity buffer full: dropping the oldest records',
      obj: { maxBuffer: 5 },
    });

    sink.state.failing = false;
    await dispatcher.flush();
    expect(sink.types()).toEqual(['r7', 'r8', 'r9', 'r10', 'r11']);
    expect(dispatcher.stats.accepted).toBe(
      dispatcher.stats.written + dispatcher.stats.dropped + dispatcher.stats.buffered,
    );
  });

  it('close() writes everything accepted, closes each sink once, and refuses later pushes', async () => {
    let inFlight = 0;
    const written: string[] = [];
    const slow: ActivitySink & { closed: number } = {
      closed: 0,
      async write(batch) {
        inFlight++;
        await new Promise((resolve) => setImmediate(resolve));
        written.push(...batch.map((record) => record.type));
        inFlight--;
      },
      close() {
        this.closed++;
      },
    };
    const logger = spyLogger();
    const dispatcher = createActivityDispatcher({ sinks: [slow], batchSize: 7, logger });
    for (const record of records(1000)) dispatcher.push(record);
    await Promise.all([dispatcher.close(), dispatcher.close()]);
    expect(inFlight).toBe(0);
    expect(written).toEqual(records(1000).map((record) => record.type));
    expect(slow.closed).toBe(1);
    dispatcher.push(activity('s', 'late'));
    dispatcher.push(activity('s', 'later'));
    expect(dispatcher.stats).toMatchObject({ accepted: 1000, written: 1000, dropped: 2, buffered: 0 });
    expect(logger.warnings).toHaveLength(1);
  });

  it('close() resolves even when a sink is still failing, reporting what was lost', async () => {
    const sink = memorySink();
    const logger = spyLogger();
    const dispatcher = createActivityDispatcher({ sinks: [sink], logger });
    sink.state.failing = true;
    for (const record of records(3)) dispatcher.push(record);
    await dispatcher.close();
    expect(dispatcher.stats).toMatchObject({ accepted: 3, written: 0, dropped: 3, buffered: 0 });
    expect(logger.errors.map((entry) => entry.msg)).toContain(
      'activity records not written before close: the sink is still failing',
    );
    expect(sink.state.closed).toBe(1);
  });

  it('counts a write that never settles as failed after writeTimeout, so close() still finishes', async () => {
    vi.useFakeTimers();
    const calls: number[] = [];
    const hung: ActivitySink = {
      write: (batch) => {
        calls.push(batch.length);
        return new Promise<void>(() => undefined);
      },
    };
    const logger = spyLogger();
    const dispatcher = createActivityDispatcher({ sinks: [hung], writeTimeout: 5000, logger });
    dispatcher.push(activity('s', 'upload'));
    const closing = dispatcher.close();
    await vi.advanceTimersByTimeAsync(5000);
    await closing;
    expect(calls).toEqual([1]);
    expect(dispatcher.stats).toMatchObject({ failures: 1, dropped: 1, written: 0 });
    expect(logger.errors[0]!.obj).toMatchObject({
      err: expect.objectContaining({ message: 'activity sink write did not settle within 5000 ms' }),
    });
  });

  it('survives a logger that throws and sinks whose close() throws', async () => {
    const throwing = {
      warn: () => {
        throw new Error('logger');
      },
      error: () => {
        throw new Error('logger');
      },
    };
    const sink: ActivitySink = {
      write: () => {
        throw new Error('down');
      },
      close: () => {
        throw new Error('close');
      },
    };
    const dispatcher = createActivityDispatcher({ sinks: [sink], maxBuffer: 100, batchSize: 1, logger: throwing });
    for (const record of records(200)) dispatcher.push(record);
    await expect(dispatcher.flush()).resolves.toBeUndefined();
    await expect(dispatcher.close()).resolves.toBeUndefined();
    expect(dispatcher.stats.dropped).toBe(200);
  });
});
