/**
 * The lifecycle listener API: the user's hooks, the activity sinks and the modules hear every event in
 * that order, and a failing listener is isolated and counted exactly like a failing hook.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import type { ActivityRecord } from '../src/core/activity-types.js';
import { emitSessionEnd, emitTouch, notify, recordActivity, rotate } from '../src/core/lifecycle.js';
import { LIFECYCLE_CHANNELS, type LifecycleListener, type LifecycleMessage } from '../src/core/listeners.js';
import { resolveOptions } from '../src/core/options.js';
import { createRuntime } from '../src/core/runtime.js';
import { storedState } from '../src/core/session-state.js';
import { warnings } from './helpers/log-capture.js';

const req = { headers: {}, sessionID: 'cookie-session-id' } as unknown as Request;

function recorder(name: string, heard: string[]): LifecycleListener {
  return {
    name,
    start: (event) => void heard.push(`${name} start ${event.reason}`),
    end: (event) => void heard.push(`${name} end ${event.reason}`),
    rotate: (event) => void heard.push(`${name} rotate ${event.reason}`),
    touch: () => void heard.push(`${name} touch`),
    activity: (record: ActivityRecord) => void heard.push(`${name} activity ${record.type}`),
  };
}

function stateFor(runtime: ReturnType<typeof createRuntime>) {
  return storedState(runtime, req, {
    id: 'logical-1',
    generation: 0,
    createdAt: 0,
    lastActivityAt: 0,
    previousId: undefined,
  });
}

describe('lifecycle listeners', () => {
  it('hear each event in order: hooks, then activity sinks, then modules', () => {
    const heard: string[] = [];
    const sink = { write: () => undefined };
    const config = resolveOptions(
      {
        activity: sink,
        hooks: { onSessionStart: () => void heard.push('hook start'), onSessionEnd: () => void heard.push('hook end') },
      },
      1,
    );
    const runtime = createRuntime(config, [recorder('first', heard), recorder('second', heard)]);
    const state = stateFor(runtime);
    rotate(runtime, req, state, 'idle-timeout', 1000);
    expect(heard).toEqual([
      'hook end',
      'first end idle-timeout',
      'second end idle-timeout',
      'first activity session.end',
      'second activity session.end',
      'hook start',
      'first start idle-timeout',
      'second start idle-timeout',
      'first activity session.start',
      'second activity session.start',
      'first rotate idle-timeout',
      'second rotate idle-timeout',
    ]);
    expect(runtime.dispatcher?.stats.accepted).toBe(2);
  });

  it('hear one transition once per process, however many requests observe it', () => {
    const heard: string[] = [];
    const runtime = createRuntime(resolveOptions(undefined, 1), [recorder('module', heard)]);
    for (let i = 0; i < 5; i++) rotate(runtime, req, stateFor(runtime), 'idle-timeout', 1000);
    expect(heard.filter((line) => line.startsWith('module rotate'))).toHaveLength(1);
    expect(heard.filter((line) => line.startsWith('module end'))).toHaveLength(1);
  });

  it('isolate a listener that throws or rejects: counted as a hook failure, reported, the next one still hears', async () => {
    const heard: string[] = [];
    const { logger, messages } = warnings();
    const throwing: LifecycleListener = {
      name: 'registry',
      end: () => {
        throw new Error('registry down');
      },
      touch: () => Promise.reject(new Error('registry slow')),
    };
    const runtime = createRuntime(resolveOptions({ logger }, 1), [throwing, recorder('after', heard)]);
    const state = stateFor(runtime);
    expect(() => emitSessionEnd(runtime, req, 'logical-1', 'logout', 1000)).not.toThrow();
    emitTouch(runtime, req, state);
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard).toEqual(['after end logout', 'after activity session.end', 'after touch']);
    expect(runtime.stats.hookFailures).toBe(2);
    expect(messages).toEqual([
      'express-logical-session: listener registry.end failed',
      'express-logical-session: listener registry.touch failed',
    ]);
  });

  it("report the user's hooks under the hook's own name", () => {
    const { logger, messages } = warnings();
    const hooks = {
      onActivity: () => {
        throw new Error('analytics down');
      },
    };
    const runtime = createRuntime(resolveOptions({ logger, hooks }, 1));
    recordActivity(runtime, req, { eventId: 'e', sessionId: 'logical-1', type: 'upload', details: undefined, at: 0 });
    notify(runtime, 'touch', { sessionId: 'logical-1', lastActivityAt: 0 }, req);
    expect(messages).toEqual(['express-logical-session: hook onActivity failed']);
    expect(runtime.stats.hookFailures).toBe(1);
  });

  it('publish every event on diagnostics_channel, after the other listeners, with the request', () => {
    const heard: string[] = [];
    const published: unknown[] = [];
    const onStart = (message: unknown) => {
      const { event, req: from } = message as LifecycleMessage<'start'>;
      heard.push('channel start');
      published.push([event.reason, event.previousId, from === req]);
    };
    subscribe('express-logical-session:session.start', onStart);
    try {
      const runtime = createRuntime(resolveOptions(undefined, 1), [recorder('module', heard)]);
      rotate(runtime, req, stateFor(runtime), 'policy', 1000);
      expect(heard.slice(heard.indexOf('module start policy'))).toEqual([
        'module start policy',
        'channel start',
        'module activity session.start',
        'module rotate policy',
      ]);
      expect(published).toEqual([['policy', 'logical-1', true]]);
    } finally {
      unsubscribe('express-logical-session:session.start', onStart);
    }
    expect(LIFECYCLE_CHANNELS.start.hasSubscribers).toBe(false);
  });
});
