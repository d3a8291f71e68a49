/**
 * The console on a reader a team wrote: only timeline(), summary() and sessions(), no metrics(), no
 * successors(), a summary without the chain fields. What it cannot tell is said, the rest comes from the
 * timeline.
 */
import { describe, expect, it } from 'vitest';
import type { SessionView } from '../../src/support/session-view.js';
import { activity } from '../activity/records.js';
import { consoleApp } from './console-app.js';
import { memoryReader } from './memory-reader.js';
import { NOW, S0, S1, S2, story } from './story.js';

const JSON_ACCEPT = { accept: 'application/json' };

describe('support console on a reader with only the three required calls', () => {
  it('takes the end and the previous ID from the timeline, and says the next is unknown', async () => {
    const { agent } = consoleApp(memoryReader(story()), { now: () => NOW, pageSize: 500 });
    const view = (await agent.get(`/support/sessions/${S1}`).set(JSON_ACCEPT).expect(200)).body as SessionView;
    expect(view).toMatchObject({ status: 'ended', endReason: 'idle-timeout', previousId: S0, nextIds: null });
    expect(view.timeline.older).toBeNull();
    const page = (await agent.get(`/support/sessions/${S2}`)).text;
    expect(page).toContain('not known by this activity reader');
  });

  it('shows the overview without figures, and no error list it cannot read', async () => {
    const { agent } = consoleApp(memoryReader(story()), { now: () => NOW });
    const { body } = await agent.get('/support/').set(JSON_ACCEPT).expect(200);
    expect(body).toEqual({ generatedAt: NOW, last24h: null, last7d: null, recentErrors: [] });
    expect((await agent.get('/support/')).text).toContain('This activity reader has no metrics().');
  });

  it('leaves out sessions without errors when a reader ignores withErrors', async () => {
    const reader = memoryReader(story());
    reader.sessions = () =>
      Promise.resolve([
        { sessionId: S2, firstSeen: NOW, lastSeen: NOW, total: 1, errors: 0, counts: {} },
        { sessionId: S1, firstSeen: NOW, lastSeen: NOW, total: 3, errors: 2, counts: {} },
      ]);
    const { agent } = consoleApp(reader, { now: () => NOW });
    const { body } = await agent.get('/support/').set(JSON_ACCEPT).expect(200);
    expect(body.recentErrors).toEqual([{ sessionId: S1, lastSeen: NOW, errors: 2 }]);
  });

  it('copes with odd values a reader may return: unparsed details, odd types, a throwing getter', async () => {
    const hostile = {
      get boom(): never {
        throw new Error('getter');
      },
    };
    const reader = memoryReader([
      activity('odd', 'session.start', { previousId: 42 }, NOW - 1000),
      activity('odd', 'weird', { big: 12n, fn: () => 1, deep: { a: { b: { c: { d: { e: { f: 1 } } } } } } }, NOW - 500),
      activity('odd', 'hostile', hostile, NOW - 400),
      activity('odd', 'many', Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, i])), NOW - 300),
      activity('odd', 'list', { items: Array.from({ length: 50 }, (_, i) => i) }, NOW - 200),
    ]);
    const { agent } = consoleApp(reader, { now: () => NOW });
    const view = (await agent.get('/support/sessions/odd').set(JSON_ACCEPT).expect(200)).body as SessionView;
    const details = Object.fromEntries(view.timeline.entries.map((entry) => [entry.type, entry.details]));
    expect(view.previousId).toBe('42');
    expect(details.weird).toEqual({ big: '12n', fn: '[function]', deep: { a: { b: { c: { d: { e: '[more]' } } } } } });
    expect(details.hostile).toBe('[unreadable]');
    expect(Object.keys(details.many as object)).toHaveLength(41);
    expect((details.many as Record<string, unknown>)['[more keys]']).toBe(20);
    expect((details.list as { items: unknown[] }).items.at(-1)).toBe('[10 more items]');
  });
});
