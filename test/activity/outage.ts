import { describe, expect, it, vi } from 'vitest';
import { createActivityDispatcher } from '../../src/core/dispatcher.js';
import type { SqlActivityStore } from '../../src/activity/sql-store.js';
import { startActivityApp, timedGet } from './activity-app.js';
import { spyLogger } from './records.js';

/** A store plus a switch that takes its database away and brings it back. */
export interface OutageHarness {
  readonly store: SqlActivityStore;
  goDown(): Promise<void>;
  comeBack(): Promise<void>;
  count(): Promise<number>;
  cleanup(): Promise<void>;
}

// Generous for a loaded 2-core CI machine; a request that waited on the database would take far longer
// (pg connection timeout, SQLite busy timeout) or fail outright.
const MAX_REQUEST_MS = 250;

/** The database going away never fails or slows a request; the failure is logged and counted; writes resume. */
export function describeOutage(name: string, createHarness: () => Promise<OutageHarness>): void {
  describe(`activity writes during an outage: ${name}`, () => {
    it('keeps requests fast and successful, logs one error, counts failures, and writes everything once the database is back', async () => {
      const harness = await createHarness();
      const logger = spyLogger();
      const dispatcher = createActivityDispatcher({ sinks: [harness.store], batchSize: 10, flushInterval: 25, logger });
      const app = await startActivityApp(dispatcher);
      try {
        expect((await timedGet(`${app.url}/steps/before?count=5`)).status).toBe(200);
        await dispatcher.flush();
        expect(dispatcher.stats.written).toBe(5);

        await harness.goDown();
        const timings: { status: number; ms: number }[] = [];
        for (let round = 0; round < 10; round++) {
          // Flushing alongside the requests makes writes fail while requests are in flight.
          const [, ...results] = await Promise.all([
            dispatcher.flush(),
            ...Array.from({ length: 10 }, (_, i) => timedGet(`${app.url}/steps/down-${i}?count=3`)),
          ]);
          timings.push(...results);
        }
        expect(timings.every((timing) => timing.status === 200)).toBe(true);
        const slowest = Math.max(...timings.map((timing) => timing.ms));
        console.info(`[${name}] slowest of 100 requests during the outage: ${slowest.toFixed(1)} ms`);
        expect(slowest).toBeLessThan(MAX_REQUEST_MS);
        expect(dispatcher.stats.failures).toBeGreaterThanOrEqual(10);
        expect(dispatcher.stats).toMatchObject({ written: 5, buffered: 300, dropped: 0 });
        expect(logger.errors).toHaveLength(1);
        expect(logger.errors[0]!.obj).toMatchObject({ err: expect.any(Error) });

        await harness.comeBack();
        // No flush() here: the interval timer alone must notice the database is back.
        await vi.waitFor(() => expect(dispatcher.stats.buffered).toBe(0), { timeout: 10_000, interval: 20 });
        expect(dispatcher.stats).toMatchObject({ accepted: 305, written: 305, dropped: 0 });
        expect(await harness.count()).toBe(305);
        expect(logger.warnings.map((warning) => warning.msg)).toContain('activity sink recovered: writes resumed');
      } finally {
        await app.close();
        await dispatcher.close();
        await harness.cleanup();
      }
    });
  });
}
