/**
 * The shared registry's edges, on the in-memory backend: arguments it refuses, its use before it is passed to
 * logicalSession(), the sweep's own timer, custom device and network parsers, and signal hooks that fail.
 */
import { expect, it, vi } from 'vitest';
import { memoryRegistry, type SessionSignal } from '../../src/registry/index.js';
import { Registry } from '../../src/registry/registry.js';
import { createClock } from '../helpers/app.js';
import { waitFor } from '../helpers/wait.js';
import { Browser, FIREFOX_WIN, startFleet } from './helpers/fleet.js';

const MINUTE = 60_000;

it('refuses unusable arguments, and answers nothing for strings that can be no logical ID', async () => {
  const registry = memoryRegistry();
  await expect(registry.get(42 as never)).rejects.toMatchObject({ code: 'ERR_ELS_INVALID_ARGUMENT' });
  await expect(registry.revoke('id', 'not a reason!')).rejects.toThrow(/argument `reason` received "not a reason!"/);
  await expect(registry.revokeAll('u', 'x'.repeat(65))).rejects.toMatchObject({ code: 'ERR_ELS_INVALID_ARGUMENT' });
  expect(await registry.get('has spaces')).toBeUndefined();
  expect(await registry.sweep()).toBe(0);
  expect(registry).toBeInstanceOf(Registry);
  await expect(Registry.prototype.link.call(registry, {} as never, {} as never, 'u')).rejects.toThrow(
    /linkUser\(req, userId\): the registry is not passed to logicalSession\(\)/,
  );
  await registry.close();
});

it('revokes with a reason of its own; the session ends with it', async () => {
  const clock = createClock();
  const ends: string[] = [];
  const registry = memoryRegistry({ sweepInterval: false });
  const [app] = startFleet({
    registries: [registry],
    clock,
    logical: { hooks: { onSessionEnd: (event) => void ends.push(event.reason) } },
  });
  const browser = new Browser();
  await browser.send(app!, 'get', '/me');
  const { sessionId } = (await browser.send(app!, 'post', '/login?user=u')).body as { sessionId: string };
  expect(await registry.revoke(sessionId, 'password-changed')).toBe(true);
  expect(registry.endReason?.(sessionId)).toBe('password-changed');
  expect(ends).toEqual(['password-changed']);
  await registry.close();
});

it('sweeps on its own timer, and keeps the timer from holding the process', async () => {
  const clock = createClock();
  const ends: [string, string][] = [];
  const registry = memoryRegistry({ sweepInterval: 20 });
  const [app] = startFleet({
    registries: [registry],
    clock,
    logical: { hooks: { onSessionEnd: (event) => void ends.push([event.sessionId, event.reason]) } },
  });
  const browser = new Browser();
  await browser.send(app!, 'get', '/me');
  const { sessionId } = (await browser.send(app!, 'post', '/login?user=u')).body as { sessionId: string };
  clock.advance(31 * MINUTE);
  await waitFor(() => Promise.resolve(ends.length === 1), 'the timer to sweep');
  expect(ends).toEqual([[sessionId, 'expired']]);
  await registry.close();
});

it('uses custom device and network parsers, and reports signal hooks that throw or reject', async () => {
  const clock = createClock();
  const warnings: string[] = [];
  const logger = {
    info() {},
    debug() {},
    error() {},
    child: () => logger,
    warn: (_fields: unknown, message: string) => void warnings.push(message),
  };
  const onSignal = vi.fn((signal: SessionSignal) => {
    if (signal.type === 'new-device') throw new Error('mailer down');
    return Promise.reject(new Error('queue down'));
  });
  const registry = memoryRegistry({
    sweepInterval: false,
    parseUserAgent: (ua) => ({ browser: ua.includes('Firefox') ? 'Fox' : 'Other', type: 'desktop' }),
    ipPrefix: (req) => `net-${String(req.headers['x-net'] ?? 'none')}`,
    onSignal,
  });
  const [app] = startFleet({ registries: [registry], clock, logical: { logger } });
  const first = new Browser();
  await first.send(app!, 'get', '/me');
  await first.send(app!, 'post', '/login?user=u');
  clock.advance(1_000);
  const second = new Browser(FIREFOX_WIN);
  await second.send(app!, 'get', '/me');
  const linked = (await second.send(app!, 'post', '/login?user=u')).body as { signals: SessionSignal[] };
  expect(linked.signals.map((s) => [s.type, s.device.browser, s.ipPrefix])).toEqual([
    ['new-device', 'Fox', 'net-none'],
  ]);
  const list = await registry.list('u');
  expect(list.map((entry) => entry.device)).toEqual([
    { browser: 'Fox', type: 'desktop', userAgent: FIREFOX_WIN },
    expect.objectContaining({ browser: 'Other' }),
  ]);
  // The same cookie from another browser family, then back: each change is a signal, the hook's rejection reported.
  const other = new Browser();
  other.cookie = second.cookie;
  clock.advance(2 * MINUTE);
  await other.send(app!, 'get', '/me');
  await waitFor(() => Promise.resolve(onSignal.mock.calls.length === 2), 'device-changed');
  await waitFor(
    () => Promise.resolve(warnings.filter((w) => w.includes('onSignal failed')).length === 2),
    'both reports',
  );
  await registry.close();
});
