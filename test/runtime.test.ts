/**
 * The per-process record of fired lifecycle events is bounded: a long-running server must not
 * keep every event ID it ever fired.
 */
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../src/options.js';
import { claimEvent, createRuntime } from '../src/runtime.js';

describe('claimEvent', () => {
  it('fires each event once', () => {
    const runtime = createRuntime(resolveOptions(undefined, 0));
    expect(claimEvent(runtime, 'a')).toBe(true);
    expect(claimEvent(runtime, 'a')).toBe(false);
  });

  it('keeps the 10,000 most recent event IDs and forgets the oldest first', () => {
    const runtime = createRuntime(resolveOptions(undefined, 0));
    for (let i = 0; i <= 10_000; i++) expect(claimEvent(runtime, `event-${i}`)).toBe(true);
    expect(runtime.firedEvents.size).toBe(10_000);
    expect(runtime.firedEvents.has('event-0')).toBe(false);
    expect(claimEvent(runtime, 'event-10000')).toBe(false);
    expect(claimEvent(runtime, 'event-0')).toBe(true);
  });
});
