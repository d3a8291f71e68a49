import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActivityDispatcher } from '../../src/core/dispatcher.js';
import type { SqlActivityStore } from '../../src/activity/sql-store.js';
import type { ActivityRecord } from '../../src/core/activity-types.js';
import { startActivityApp } from './activity-app.js';
import { activity } from './records.js';

/** A fresh store on its own table (or file), with raw access for checks the public API cannot make. */
export interface StoreHarness {
  readonly store: SqlActivityStore;
  /** Every row's `details` column as the database returns it (JSON text on SQLite, parsed jsonb on PostgreSQL). */
  rawDetails(): Promise<unknown[]>;
  count(): Promise<number>;
  indexes(): Promise<string[]>;
  cleanup(): Promise<void>;
}

const T0 = 1_700_000_000_000;

function hostileDetails(): Record<string, unknown> {
  const circular: Record<string, unknown> = { name: 'loop' };
  circular.self = circular;
  let deep: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < 5000; i++) deep = { next: deep };
  const error = new Error('disk full');
  return {
    circular,
    big: 12345678901234567890n,
    fn: function uploadHandler() {
      /* stored as a marker */
    },
    sym: Symbol('tag'),
    huge: 'x'.repeat(1024 * 1024),
    nul: 'a\u0000b',
    lone: 'broken \uD800 surrogate',
    error,
    notANumber: Number.NaN,
    get exploding(): never {
      throw new Error('getter');
    },
    proxy: new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    ),
    deep,
    map: new Map([['k', 1n]]),
    date: new Date(T0),
    many: Array.from({ length: 100_000 }, (_, i) => i),
  };
}

/** The same behaviour, asserted on every database the store supports. */
export function describeStoreConformance(name: string, createHarness: () => Promise<StoreHarness>): void {
  describe(`SqlActivityStore conformance: ${name}`, () => {
    let harness: StoreHarness;
    let store: SqlActivityStore;

    beforeEach(async () => {
      harness = await createHarness();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it('creates the table and its session index on first use', async () => {
      await store.write([activity('s1', 'upload')]);
      expect(await harness.count()).toBe(1);
      const indexes = await harness.indexes();
      expect(indexes.some((index) => index.endsWith('_session_idx'))).toBe(true);
      expect(indexes.some((index) => index.endsWith('_previous_idx'))).toBe(true);
    });

    it('writes records and reads them back with every field, timestamps as epoch ms numbers', async () => {
      const record = activity(
        's1',
        'upload',
        { file: 'résumé.pdf', size: 1024, tags: ['a', 'b'], nested: { ok: true } },
        T0 + 123,
      );
      await store.write([record]);
      const [entry, ...rest] = await store.timeline('s1');
      expect(rest).toEqual([]);
      expect(entry).toEqual({
        id: expect.any(String),
        eventId: record.eventId,
        type: 'upload',
        details: record.details,
        at: T0 + 123,
      });
      expect(typeof entry!.at).toBe('number');
      expect(await store.timeline('other-session')).toEqual([]);
    });

    it('returns a timeline in time order, keeping write order within one millisecond', async () => {
      await store.write([
        activity('s1', 'c', { n: 3 }, T0 + 300),
        activity('s1', 'a', { n: 1 }, T0 + 100),
        activity('s1', 'b1', { n: 2 }, T0 + 200),
        activity('s1', 'b2', { n: 2 }, T0 + 200),
        activity('s2', 'elsewhere', {}, T0 + 150),
      ]);
      await store.write([activity('s1', 'b3', { n: 2 }, T0 + 200)]);
      const types = (await store.timeline('s1')).map((entry) => entry.type);
      expect(types).toEqual(['a', 'b1', 'b2', 'b3', 'c']);
    });

    it('skips a record whose eventId is already stored (redelivery never duplicates)', async () => {
      const batch = [activity('s1', 'session.start', {}, T0), activity('s1', 'upload', {}, T0 + 1)];
      await store.write(batch);
      await store.write(batch);
      expect(await harness.count()).toBe(2);
    });

    it('summarises a session: first and last seen, duration, counts by type, error events', async () => {
      await store.write([
        activity('s1', 'session.start', { reason: 'new' }, T0),
        activity('s1', 'upload', { file: 'a' }, T0 + 1000),
        activity('s1', 'upload', { file: 'b' }, T0 + 2000),
        activity('s1', 'error', { status: 500, message: 'Internal Server Error' }, T0 + 3000),
        activity('s1', 'error', { status: 404, message: 'Not Found' }, T0 + 4000),
        activity('s1', 'session.end', { reason: 'logout' }, T0 + 65_000),
        activity('s2', 'error', { status: 500 }, T0 + 500),
      ]);
      const summary = await store.summary('s1');
      expect(summary).toMatchObject({
        sessionId: 's1',
        firstSeen: T0,
        lastSeen: T0 + 65_000,
        durationMs: 65_000,
        total: 6,
        counts: { 'session.start': 1, upload: 2, error: 2, 'session.end': 1 },
      });
      expect(summary!.errors.map((entry) => [entry.at, entry.details])).toEqual([
        [T0 + 3000, { status: 500, message: 'Internal Server Error' }],
        [T0 + 4000, { status: 404, message: 'Not Found' }],
      ]);
      expect(await store.summary('no-such-session')).toBeUndefined();
    });

    it('pages back through a timeline with before/beforeId without skipping or repeating events', async () => {
      // 250 events, five per millisecond, so page boundaries fall inside a millisecond.
      const records = Array.from({ length: 250 }, (_, i) => activity('s1', 'step', { i }, T0 + Math.floor(i / 5)));
      await store.write(records);
      const seen: number[] = [];
      let page = await store.timeline('s1', { limit: 70 });
      while (page.length > 0) {
        seen.unshift(...page.map((entry) => (entry.details as { i: number }).i));
        const oldest = page[0]!;
        page = await store.timeline('s1', { limit: 70, before: oldest.at, beforeId: oldest.id });
      }
      expect(seen).toEqual(records.map((_, i) => i));
      // `before` alone is exclusive by millisecond.
      const beforeMs = await store.timeline('s1', { before: new Date(T0 + 2), limit: 1000 });
      expect(beforeMs.map((entry) => (entry.details as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('lists recent sessions, most recently seen first, with their counts', async () => {
      await store.write([
        activity('old', 'upload', {}, T0),
        activity('mid', 'upload', {}, T0 + 10_000),
        activity('mid', 'error', { status: 500 }, T0 + 20_000),
        activity('new', 'session.start', {}, T0 + 15_000),
        activity('new', 'upload', {}, T0 + 30_000),
      ]);
      const recent = await store.sessions({ since: T0 + 5000 });
      expect(recent).toEqual([
        {
          sessionId: 'new',
          firstSeen: T0 + 15_000,
          lastSeen: T0 + 30_000,
          total: 2,
          errors: 0,
          counts: { 'session.start': 1, upload: 1 },
        },
        {
          sessionId: 'mid',
          firstSeen: T0 + 10_000,
          lastSeen: T0 + 20_000,
          total: 2,
          errors: 1,
          counts: { upload: 1, error: 1 },
        },
      ]);
      expect((await store.sessions({ limit: 1 })).map((item) => item.sessionId)).toEqual(['new']);
      expect(await store.sessions({ since: T0 + 40_000 })).toEqual([]);
    });

    it('stores hostile details safely: every row reads back as JSON within the size cap', async () => {
      const records: ActivityRecord[] = [
        activity('s1', 'hostile', hostileDetails(), T0),
        activity('s1', 'huge-only', { blob: 'y'.repeat(1024 * 1024) }, T0 + 1),
        activity(
          's1',
          'many-keys',
          Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`key${i}`, 'v'.repeat(20)])),
          T0 + 2,
        ),
        activity('s1', 'no-details', undefined, T0 + 3),
        { ...activity('s1', 'weird-time', {}), at: Number.NaN },
      ];
      await store.write(records);
      for (const raw of await harness.rawDetails()) {
        if (raw === null) continue;
        const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
        expect(() => JSON.parse(text) as unknown).not.toThrow();
        expect(Buffer.byteLength(text)).toBeLessThanOrEqual(70_000);
      }
      const byType = new Map((await store.timeline('s1', { limit: 1000 })).map((entry) => [entry.type, entry]));
      const hostile = byType.get('hostile')!.details as Record<string, unknown>;
      expect(hostile.circular).toEqual({ name: 'loop', self: '[Circular]' });
      expect(hostile.big).toBe('12345678901234567890');
      expect(hostile.fn).toBe('[Function uploadHandler]');
      expect(hostile.sym).toBe('Symbol(tag)');
      expect(hostile.huge).toMatch(/^x{8192}…\[truncated 1040384 chars\]$/);
      expect(hostile.nul).toBe('a\uFFFDb');
      expect(hostile.lone).toBe('broken \uFFFD surrogate');
      expect(hostile.error).toEqual({ name: 'Error', message: 'disk full' });
      expect(hostile.exploding).toBe('[Unreadable]');
      expect(hostile.proxy).toBe('[Unserializable]');
      expect(JSON.stringify(hostile.deep)).toContain('[Depth limit]');
      expect(hostile.map).toEqual([['k', '1']]);
      expect(hostile.date).toBe(new Date(T0).toISOString());
      expect((hostile.many as unknown[]).at(-1)).toMatch(/^\[Truncated: \d+ more items\]$/);
      expect(byType.get('huge-only')!.details).toMatchObject({ blob: expect.stringContaining('…[truncated') });
      expect(byType.get('many-keys')!.details).toMatchObject({
        $truncated: 'details exceeded 65536 bytes',
        preview: expect.any(String),
      });
      expect(byType.get('no-details')!.details).toBeNull();
      expect(byType.get('weird-time')!.at).toEqual(expect.any(Number));
    });

    it('keeps SQL injection attempts inert in type, details and query arguments', async () => {
      const payloads = [
        "x'); DROP TABLE activity_log; --",
        "' OR '1'='1",
        '"; DELETE FROM activity_log; --',
        '$1::text); SELECT pg_sleep(5); --',
        '__proto__',
        '\\x00\\',
      ];
      await store.write(payloads.map((payload, i) => activity(payload, payload, { [payload]: payload, i }, T0 + i)));
      await store.write([activity('victim', 'upload', {}, T0)]);
      for (const [i, payload] of payloads.entries()) {
        const entries = await store.timeline(payload);
        expect(entries).toEqual([expect.objectContaining({ type: payload, at: T0 + i })]);
        expect((entries[0]!.details as Record<string, unknown>)[payload]).toBe(payload);
        const summary = await store.summary(payload);
        expect(Object.keys(summary!.counts)).toEqual([payload]);
        expect(Object.getPrototypeOf(summary!.counts)).toBe(Object.prototype);
      }
      expect(await store.timeline("victim' OR '1'='1")).toEqual([]);
      expect(await store.summary("' OR 1=1 --")).toBeUndefined();
      expect(await harness.count()).toBe(payloads.length + 1);
    });

    it('writes all 10,000 records from 100 concurrent sessions that were accepted before close()', async () => {
      const dispatcher = createActivityDispatcher({
        sinks: [store],
        batchSize: 500,
        flushInterval: 50,
        maxBuffer: 20_000,
      });
      const app = await startActivityApp(dispatcher);
      const sessions = Array.from({ length: 100 }, () => randomUUID());
      try {
        const started = performance.now();
        const responses = await Promise.all(sessions.map((session) => fetch(`${app.url}/steps/${session}?count=100`)));
        expect(responses.every((response) => response.ok)).toBe(true);
        const closing = performance.now();
        await dispatcher.close();
        const done = performance.now();
        console.info(
          `[${name}] 10,000 records: requests ${Math.round(closing - started)} ms, close() flush ${Math.round(done - closing)} ms, total ${Math.round(done - started)} ms`,
        );
      } finally {
        await app.close();
      }
      expect(dispatcher.stats).toMatchObject({ accepted: 10_000, written: 10_000, dropped: 0, buffered: 0 });
      expect(await harness.count()).toBe(10_000);
      for (const session of sessions.slice(0, 5)) {
        const steps = (await store.timeline(session, { limit: 1000 })).map(
          (entry) => (entry.details as { step: number }).step,
        );
        expect(steps).toEqual(Array.from({ length: 100 }, (_, i) => i));
      }
    });

    it('close() writes 10,000 records that are all still buffered', async () => {
      const dispatcher = createActivityDispatcher({
        sinks: [store],
        batchSize: 1000,
        flushInterval: 60_000,
        maxBuffer: 10_000,
      });
      // One synchronous burst: no write can start before it ends, so the timing below covers all 10,000.
      for (let i = 0; i < 10_000; i++) dispatcher.push(activity(`session-${i % 100}`, 'upload', { i }, T0 + i));
      const started = performance.now();
      await dispatcher.close();
      console.info(`[${name}] close() with 10,000 buffered records: ${Math.round(performance.now() - started)} ms`);
      expect(dispatcher.stats).toMatchObject({ accepted: 10_000, written: 10_000, dropped: 0, buffered: 0 });
      expect(await harness.count()).toBe(10_000);
    });
  });
}
