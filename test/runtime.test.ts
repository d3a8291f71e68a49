/**
 * The per-process record of fired lifecycle events is bounded: a long-running server must not
 * keep every event ID it ever fired. The bound must also cost O(1) per event (see RecentMemory).
 */
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../src/core/options.js';
import { RecentMemory } from '../src/core/recent-memory.js';
import { claimEvent, createRuntime } from '../src/core/runtime.js';

describe('claimEvent', () => {
  it('fires each event once', () => {
    const runtime = createRuntime(resolveOptions(undefined, 0));
    expect(claimEvent(runtime, 'a')).toBe(true);
    expect(claimEvent(runtime, 'a')).toBe(false);
  });

  it('keeps at least the 10,000 most recent event IDs, and at most 20,000', () => {
    const runtime = createRuntime(resolveOptions(undefined, 0));
    for (let i = 0; i < 35_000; i++) {
      expect(claimEvent(runtime, `event-${i}`)).toBe(true);
      expect(runtime.firedEvents.size).toBeLessThanOrEqual(20_000);
    }
    for (let i = 25_000; i < 35_000; i++) expect(claimEvent(runtime, `event-${i}`)).toBe(false);
    expect(claimEvent(runtime, 'event-0')).toBe(true);
    expect(claimEvent(runtime, 'event-14999')).toBe(true);
  });
});

describe('RecentMemory', () => {
  it('returns the latest value of a key, also after the generation it was set in ages out', () => {
    const memory = new RecentMemory<number>(3);
    memory.set('a', 1);
    memory.set('a', 2);
    expect(memory.get('a')).toBe(2);
    memory.set('b', 1);
    memory.set('c', 1); // young is full: it becomes the old generation
    expect(memory.get('a')).toBe(2);
    memory.set('a', 3); // refreshed into the young generation
    memory.set('d', 1);
    memory.set('e', 1); // swap again: the generation holding a=2 is dropped
    expect(memory.get('a')).toBe(3);
    expect(memory.get('b')).toBeUndefined();
    expect(memory.has('b')).toBe(false);
    expect(memory.has('e')).toBe(true);
  });
});
