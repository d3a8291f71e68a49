/**
 * One behaviour for every backend: the registry contract of API.md, run per backend by memory.test.ts,
 * sqlite.test.ts, redis.test.ts and redis-cluster.test.ts. Time moves through the injected clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActivityRecord } from '../../src/index.js';
import type { RegistryOptions, SessionRegistry, SessionSignal } from '../../src/registry/index.js';
import { createClock } from '../helpers/app.js';
import { Browser, CHROME_MAC, FIREFOX_WIN, SAFARI_IPHONE, startFleet, type Instance } from './helpers/fleet.js';
import { fleetConformance } from './conformance-fleet.js';

export interface RegistryFixture {
  readonly name: string;
  /** How many registries (instances) can share one backend: 1 for the in-memory registry. */
  readonly instances: number;
  /** Called before each test: a fresh namespace (key prefix, file). */
  reset(): Promise<void> | void;
  /** A registry on this test's backend. */
  create(options?: RegistryOptions): SessionRegistry;
  /** Registry keys or rows left on the backend (Redis SCAN, SQLite COUNT(*)). */
  leftovers(): Promise<number>;
}

export const MINUTE = 60_000;

export function registryConformance(fixture: RegistryFixture): void {
  describe(`registry conformance: ${fixture.name}`, () => {
    let registries: SessionRegistry[] = [];
    let clock: ReturnType<typeof createClock>;
    let signals: SessionSignal[];
    let records: ActivityRecord[];

    beforeEach(async () => {
      await fixture.reset();
      clock = createClock();
      signals = [];
      records = [];
    });
    afterEach(async () => {
      await Promise.all(registries.map((registry) => registry.close()));
      registries = [];
    });

    function one(options: RegistryOptions = {}): Instance {
      const registry = fixture.create({ sweepInterval: false, onSignal: (s) => void signals.push(s), ...options });
      registries.push(registry);
      const [instance] = startFleet({
        registries: [registry],
        clock,
        logical: { hooks: { onActivity: (record) => void records.push(record) } },
      });
      return instance!;
    }

    async function login(instance: Instance, browser: Browser, user: string) {
      if (browser.cookie === undefined) await browser.send(instance, 'get', '/me');
      const res = await browser.send(instance, 'post', `/login?user=${encodeURIComponent(user)}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as { sessionId: string; evicted: string[]; signals: SessionSignal[] };
    }

    it('links a session and lists it with its device and network, most recently active first; get finds one', async () => {
      const app = one();
      const mac = new Browser(CHROME_MAC, '203.0.113.7');
      const phone = new Browser(SAFARI_IPHONE, '2001:db8:85a3:1234::1');
      const first = await login(app, mac, 'alice');
      clock.advance(2 * MINUTE);
      const second = await login(app, phone, 'alice');
      const list = await app.registry.list('alice');
      expect(list.map((entry) => entry.sessionId)).toEqual([second.sessionId, first.sessionId]);
      expect(list[1]).toEqual({
        sessionId: first.sessionId,
        userId: 'alice',
        createdAt: clock.now() - 2 * MINUTE,
        lastActivityAt: clock.now() - 2 * MINUTE,
        linkedAt: clock.now() - 2 * MINUTE,
        device: { browser: 'Chrome', browserVersion: '126', os: 'macOS', type: 'desktop', userAgent: CHROME_MAC },
        ipPrefix: '203.0.113.0/24',
      });
      expect(list[0]).toMatchObject({
        device: { browser: 'Safari', os: 'iOS', type: 'mobile' },
        ipPrefix: '2001:db8:85a3::/48',
      });
      expect(await app.registry.get(first.sessionId)).toEqual(list[1]);
      expect(await app.registry.get('00000000-0000-4000-8000-000000000000')).toBeUndefined();
      expect(await app.registry.list('bob')).toEqual([]);
      expect(JSON.stringify(list)).not.toContain(mac.cookie!.slice(4, 20));
      expect(records.filter((r) => r.type === 'session.user').map((r) => r.details)).toEqual([
        { userId: 'alice' },
        { userId: 'alice' },
      ]);
    });

    it('revokes a session: its next request is a new anonymous session with a new cookie, its data gone', async () => {
      const app = one();
      const browser = new Browser();
      const { sessionId } = await login(app, browser, 'alice');
      const cookie = browser.cookie;
      expect(await app.registry.revoke(sessionId)).toBe(true);
      expect(await app.registry.revoke(sessionId)).toBe(false);
      const next = await browser.send(app, 'get', '/me');
      expect(next.body.id).not.toBe(sessionId);
      expect(next.body.note).toBeNull();
      expect(browser.cookie).not.toBe(cookie);
      expect(await app.registry.list('alice')).toEqual([]);
      const ends = records.filter((r) => r.type === 'session.end' && r.sessionId === sessionId);
      expect(ends.map((r) => r.details)).toEqual([{ reason: 'revoked' }]);
      expect(await app.registry.revoke('not a logical id')).toBe(false);
    });

    it('signs out everywhere else (revokeOtherSessions) and everywhere (revokeAll)', async () => {
      const app = one();
      const [a, b, c] = [new Browser(), new Browser(FIREFOX_WIN), new Browser(SAFARI_IPHONE)];
      const kept = await login(app, a, 'alice');
      await login(app, b, 'alice');
      await login(app, c, 'alice');
      const other = new Browser();
      await login(app, other, 'bob');
      expect((await a.send(app, 'post', '/others')).body).toEqual({ revoked: 2 });
      expect((await app.registry.list('alice')).map((e) => e.sessionId)).toEqual([kept.sessionId]);
      expect((await b.send(app, 'get', '/me')).body.note).toBeNull();
      expect((await a.send(app, 'get', '/me')).body).toMatchObject({ id: kept.sessionId, note: 'user alice' });
      expect(await app.registry.revokeAll('alice')).toBe(1);
      expect((await a.send(app, 'get', '/me')).body.id).not.toBe(kept.sessionId);
      expect(await app.registry.list('bob')).toHaveLength(1);
      const anonymous = new Browser();
      await anonymous.send(app, 'get', '/me');
      expect((await anonymous.send(app, 'post', '/others')).body.code).toBe('ERR_ELS_INVALID_ARGUMENT');
    });

    it('never lists an expired entry; the user who comes back after the idle timeout keeps the link under the new ID', async () => {
      const app = one();
      const browser = new Browser();
      const { sessionId } = await login(app, browser, 'alice');
      clock.advance(31 * MINUTE);
      expect(await app.registry.list('alice')).toEqual([]);
      expect(await app.registry.get(sessionId)).toBeUndefined();
      const back = await browser.send(app, 'get', '/me');
      expect(back.body.id).not.toBe(sessionId);
      expect(back.body.note).toBe('user alice');
      await expect.poll(async () => (await app.registry.list('alice')).map((e) => e.sessionId)).toEqual([back.body.id]);
    });

    it('moves the entry on regenerateSessionId, keeps it through rotateSessionCookie, drops it at logout', async () => {
      const app = one();
      const browser = new Browser();
      const { sessionId } = await login(app, browser, 'alice');
      const regenerated = (await browser.send(app, 'post', '/regenerate')).body.id as string;
      expect(regenerated).not.toBe(sessionId);
      await expect.poll(async () => (await app.registry.list('alice')).map((e) => e.sessionId)).toEqual([regenerated]);
      const cookie = browser.cookie;
      expect((await browser.send(app, 'post', '/rotate-cookie')).body.id).toBe(regenerated);
      expect(browser.cookie).not.toBe(cookie);
      expect((await browser.send(app, 'get', '/me')).body).toMatchObject({ id: regenerated, note: 'user alice' });
      expect(await app.registry.revoke(regenerated)).toBe(true);
      expect((await browser.send(app, 'get', '/me')).body.note).toBeNull();
      const again = await login(app, browser, 'alice');
      await browser.send(app, 'post', '/logout');
      await expect.poll(() => app.registry.list('alice')).toEqual([]);
      expect(await app.registry.get(again.sessionId)).toBeUndefined();
    });

    it('gives signals (device-changed, new-device, new-network, many-sessions) that revoke nothing', async () => {
      const app = one({ maxSessionsPerUser: 2 });
      const mac = new Browser(CHROME_MAC, '203.0.113.7');
      const first = await login(app, mac, 'alice');
      expect(first.signals).toEqual([]);
      clock.advance(10_000);
      const firefox = new Browser(FIREFOX_WIN, '203.0.113.99');
      const second = await login(app, firefox, 'alice');
      expect(second.signals.map((s) => s.type)).toEqual(['new-device']);
      clock.advance(10_000);
      const phone = new Browser(SAFARI_IPHONE, '198.51.100.4');
      const third = await login(app, phone, 'alice');
      expect(third.signals.map((s) => s.type)).toEqual(['new-device', 'new-network', 'many-sessions']);
      expect(third.signals[2]).toMatchObject({ sessions: 3, userId: 'alice', sessionId: third.sessionId });
      expect(third.evicted).toEqual([first.sessionId]);

      // The same cookie seen from another browser family, at the next touch.
      const stolen = new Browser(FIREFOX_WIN, '198.51.100.4');
      stolen.cookie = phone.cookie;
      clock.advance(2 * MINUTE);
      expect((await stolen.send(app, 'get', '/me')).body.id).toBe(third.sessionId);
      await expect.poll(() => signals.map((s) => s.type)).toContain('device-changed');
      const changed = signals.find((s) => s.type === 'device-changed')!;
      expect(changed).toMatchObject({
        sessionId: third.sessionId,
        previousBrowser: 'Safari',
        device: { browser: 'Firefox' },
      });
      expect((await stolen.send(app, 'get', '/me')).body.id).toBe(third.sessionId);
      const recorded = records.filter((r) => r.type === 'session.signal').map((r) => r.details?.signal);
      expect(recorded).toEqual(['new-device', 'new-device', 'new-network', 'many-sessions', 'device-changed']);
      expect(signals.map((s) => s.type)).toEqual(recorded);
      expect(await app.registry.list('alice')).toHaveLength(2);
    });

    it('links a session once: a second login keeps one entry, a login as another user moves it', async () => {
      const app = one();
      const browser = new Browser();
      const { sessionId } = await login(app, browser, 'alice');
      clock.advance(10_000);
      const again = await login(app, browser, 'alice');
      expect(again).toMatchObject({ sessionId, evicted: [], signals: [] });
      expect((await app.registry.list('alice')).map((e) => [e.sessionId, e.linkedAt])).toEqual([
        [sessionId, clock.now()],
      ]);
      await login(app, browser, 'bob');
      expect(await app.registry.list('alice')).toEqual([]);
      expect((await app.registry.list('bob')).map((e) => e.sessionId)).toEqual([sessionId]);
      expect((await app.registry.get(sessionId))?.userId).toBe('bob');
    });

    it('stores hostile input safely and refuses what it cannot hold', async () => {
      const app = one();
      for (const user of ['{a}', 'x:y', 'line\nbreak', 'nul\0byte', '}{', 'ü 🎉 %7B']) {
        const browser = new Browser('x'.repeat(100_000), 'not-an-ip, 300.1.1.1');
        const { sessionId } = await login(app, browser, user);
        const [entry] = await app.registry.list(user);
        expect(entry).toMatchObject({ sessionId, userId: user, ipPrefix: undefined, device: { type: 'unknown' } });
        expect(entry!.device.userAgent).toHaveLength(256);
      }
      expect(await app.registry.list('{a')).toEqual([]);
      for (const bad of ['', 'x'.repeat(10_240)]) {
        const browser = new Browser();
        await browser.send(app, 'get', '/me');
        const res = await browser.send(app, 'post', `/login?user=${bad}`);
        expect(res.body.code).toBe('ERR_ELS_INVALID_ARGUMENT');
        await expect(app.registry.list(bad)).rejects.toMatchObject({ code: 'ERR_ELS_INVALID_ARGUMENT' });
      }
    });

    fleetConformance(
      fixture,
      () => clock,
      (registry) => registries.push(registry),
    );
  });
}
