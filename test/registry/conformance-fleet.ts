/**
 * The conformance tests that need several instances on one backend: limits under simultaneous logins,
 * revocation with requests in flight, the sweep, cleanup at scale.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Request } from 'express';
import { expect, it } from 'vitest';
import { SqlActivityStore } from '../../src/activity/index.js';
import type { RequestState } from '../../src/core/session-state.js';
import type { RegistryOptions, SessionRegistry } from '../../src/registry/index.js';
import type { Registry } from '../../src/registry/registry.js';
import type { createClock } from '../helpers/app.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';
import type { RegistryFixture } from './conformance.js';
import { Browser, CHROME_MAC, startFleet, type Instance } from './helpers/fleet.js';

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;

async function login(instance: Instance, browser: Browser, user: string): Promise<string> {
  if (browser.cookie === undefined) await browser.send(instance, 'get', '/me');
  const res = await browser.send(instance, 'post', `/login?user=${user}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.sessionId as string;
}

/** Every instance refuses the ID: it heard of the revocation. */
function refusedEverywhere(instances: readonly Instance[], sessionId: string, reason: string) {
  return waitFor(
    () => Promise.resolve(instances.every((instance) => instance.registry.endReason?.(sessionId) === reason)),
    `every instance to refuse ${sessionId}`,
    { timeoutMs: 1_000, intervalMs: 5 },
  );
}

function expiredEnds(file: string): number {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const row = db
      .prepare(
        "SELECT count(*) AS n FROM activity_log WHERE activity_type = 'session.end' AND details LIKE '%expired%'",
      )
      .get() as { n: number };
    return row.n;
  } catch {
    return 0;
  } finally {
    db?.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

export function fleetConformance(
  fixture: RegistryFixture,
  clockOf: () => ReturnType<typeof createClock>,
  track: (registry: SessionRegistry) => void,
): void {
  const count = fixture.instances;

  function registriesFor(options: RegistryOptions = {}): SessionRegistry[] {
    return Array.from({ length: count }, () => {
      const registry = fixture.create({ sweepInterval: false, ...options });
      track(registry);
      return registry;
    });
  }

  it(`keeps at most maxSessionsPerUser when 10 logins of one user land at once on ${count} instance(s), 20 times`, async () => {
    const instances = startFleet({ registries: registriesFor({ maxSessionsPerUser: 3 }), clock: clockOf() });
    const on = (i: number): Instance => instances[i % count]!;
    for (let round = 0; round < 20; round++) {
      const user = `racer-${round}`;
      const existing = [new Browser(), new Browser(), new Browser()];
      const existingIds = await Promise.all(existing.map((browser, i) => login(on(i), browser, user)));
      const newcomers = Array.from({ length: 10 }, () => new Browser());
      await Promise.all(newcomers.map((browser, i) => browser.send(on(i), 'get', '/me')));
      const logins = await Promise.all(
        newcomers.map((browser, i) => browser.send(on(i), 'post', `/login?user=${user}`)),
      );
      for (const res of logins) {
        expect(res.status).toBe(200);
        expect(res.body.evicted).not.toContain(res.body.sessionId);
      }
      const live = new Set((await on(round).registry.list(user)).map((entry) => entry.sessionId));
      expect(live.size).toBe(3);
      const all = [...existing, ...newcomers];
      const ids = [...existingIds, ...logins.map((res) => res.body.sessionId as string)];
      const victims = ids.flatMap((id, i) => (live.has(id) ? [] : [[id, all[i]!] as const]));
      expect(victims).toHaveLength(10);
      expect(new Set(logins.flatMap((res) => res.body.evicted as string[]))).toEqual(
        new Set(victims.map(([id]) => id)),
      );
      for (const [index, [id, browser]] of victims.entries()) {
        await refusedEverywhere(instances, id, 'evicted');
        const next = await browser.send(on(index + 1), 'get', '/me');
        expect(next.body.id).not.toBe(id);
        expect(next.body.note).toBeNull();
      }
    }
  });

  it(`revokes a session with 10 of its requests in flight: within 1 s every instance refuses it, its data never comes back`, async () => {
    const instances = startFleet({ registries: registriesFor(), clock: clockOf() });
    const browser = new Browser();
    const sessionId = await login(instances[0]!, browser, 'alice');
    const oldCookie = browser.cookie;
    for (const instance of instances) instance.hold();
    const elsewhere = instances.length > 1 ? instances.slice(1) : instances;
    const inFlight = Array.from({ length: 10 }, (_, i) =>
      browser.send(elsewhere[i % elsewhere.length]!, 'post', `/note?value=late-${i}&hold=1`),
    );
    await waitFor(() => Promise.resolve(instances.reduce((sum, i) => sum + i.held, 0) === 10), '10 held requests');
    const started = performance.now();
    expect(await instances[0]!.registry.revoke(sessionId)).toBe(true);
    await refusedEverywhere(instances, sessionId, 'revoked');
    const propagation = performance.now() - started;
    for (const instance of instances) instance.open();
    // They were past the middleware: they finish on the old session and save it again.
    for (const res of await Promise.all(inFlight)) expect(res.body.id).toBe(sessionId);
    for (const instance of [...instances, ...instances]) {
      const replay = new Browser();
      replay.cookie = oldCookie;
      const next = await replay.send(instance, 'get', '/me');
      expect(next.body.id).not.toBe(sessionId);
      expect(next.body.note).toBeNull();
      expect(next.cookie).toBeDefined();
      expect(next.cookie).not.toBe(oldCookie);
    }
    console.info(
      `[registry] ${fixture.name}: revocation known on ${count} instance(s) after ${propagation.toFixed(1)} ms`,
    );
  });

  it(`sweeps 100 idle sessions on ${count} instance(s): one session.end (expired) each in the activity store, none again when the user returns`, async () => {
    const dir = tempDir('els-registry-sweep-');
    const file = join(dir.path, 'activity.db');
    try {
      const clock = clockOf();
      const instances = startFleet({
        registries: registriesFor(),
        clock,
        activity: () => new SqlActivityStore({ sqlite: file }),
      });
      const browsers = Array.from({ length: 100 }, () => new Browser());
      const ids = await Promise.all(
        browsers.map((browser, i) => login(instances[i % count]!, browser, `user-${i % 7}`)),
      );
      clock.advance(31 * MINUTE);
      const swept = await Promise.all(instances.map((instance) => instance.registry.sweep()));
      expect(swept.reduce((a, b) => a + b, 0)).toBe(100);
      expect(await Promise.all(instances.map((instance) => instance.registry.sweep()))).toEqual(instances.map(() => 0));
      // The sweep's ends reach the store within the dispatcher's flush interval, long before a user comes back
      // after 31 minutes; wait for them here. The return then fires the same end (same event ID), which the
      // store keeps once, so the recorded reason stays \`expired\`.
      await expect.poll(() => expiredEnds(file), { timeout: 5_000, interval: 20 }).toBe(100);
      const back = await browsers[0]!.send(instances[count - 1]!, 'get', '/me');
      expect(back.body).toMatchObject({ note: 'user user-0' });
      expect(back.body.id).not.toBe(ids[0]);
      await expect.poll(async () => (await instances[0]!.registry.get(back.body.id))?.userId).toBe('user-0');
      await Promise.all(instances.map((instance) => instance.middleware.close()));
      const db = new Database(file, { readonly: true });
      const ends = db
        .prepare(
          "SELECT session_id AS id, count(*) AS n, max(details) AS details FROM activity_log WHERE activity_type = 'session.end' GROUP BY session_id",
        )
        .all() as { id: string; n: number; details: string }[];
      db.close();
      expect(ends.filter((end) => ids.includes(end.id))).toHaveLength(100);
      expect(ends.every((end) => end.n === 1 && JSON.parse(end.details).reason === 'expired')).toBe(true);
    } finally {
      dir.remove();
    }
  });

  it('leaves no key or row once 10,000 linked sessions expired; list(userId) at 10 and at 10,000 users', async () => {
    const clock = clockOf();
    const [registry] = registriesFor();
    startFleet({ registries: [registry!], clock });
    const req = {
      headers: { 'user-agent': CHROME_MAC },
      ip: '203.0.113.7',
      app: { get: () => true },
    } as unknown as Request;
    const link = (user: number) => {
      const state = { sessionId: randomUUID(), createdAt: clock.now(), lastActivityAt: clock.now() };
      return (registry as Registry).link(req, state as unknown as RequestState, `user-${user}`);
    };
    const listCost = async (): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < 200; i++) {
        const started = performance.now();
        await registry!.list('user-3');
        times.push(performance.now() - started);
      }
      return median(times) * 1000;
    };
    for (let user = 0; user < 10; user++) await link(user);
    const atTen = await listCost();
    for (let from = 10; from < 10_000; from += 250) {
      await Promise.all(Array.from({ length: Math.min(250, 10_000 - from) }, (_, i) => link(from + i)));
    }
    const atTenThousand = await listCost();
    console.info(
      `[registry] ${fixture.name}: list(userId) median ${atTen.toFixed(0)} µs at 10 users, ${atTenThousand.toFixed(0)} µs at 10,000 users`,
    );
    const before = await fixture.leftovers();
    expect(before).toBeGreaterThan(0);
    clock.advance(31 * MINUTE + DAY + MINUTE);
    expect(await registry!.sweep()).toBe(10_000);
    const after = await fixture.leftovers();
    console.info(
      `[registry] ${fixture.name}: ${before} keys/rows for 10,000 linked sessions, ${after} once they expired and the sweep ran`,
    );
    expect(after).toBe(0);
  }, 60_000);
}
