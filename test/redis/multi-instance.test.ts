/**
 * API.md guarantees on a fleet: three app instances sharing one Redis through connect-redis, one
 * client's requests spread round-robin over them. Time moves through the injected clock.
 */
import { afterEach, expect, it } from 'vitest';
import { describeWith, requireRedis } from '../helpers/services.js';
import { advanceClocks, type Instance } from './helpers/harness.js';
import { startInProcessFleet, startProcessFleet, type Fleet } from './helpers/fleet.js';
import { httpRequest, sessionIdOfCookie, type HttpResult } from '../helpers/round-robin-client.js';
import type { HookLog } from './helpers/app.js';
import { waitFor } from '../helpers/wait.js';

const redis = requireRedis();
const MINUTE = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function idsOf(results: readonly HttpResult[]): Set<string> {
  return new Set(results.map((r) => r.body.id as string));
}

function expectAllOk(results: readonly HttpResult[]): void {
  expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
}

async function hookLogs(instances: readonly Instance[]): Promise<HookLog[]> {
  return Promise.all(instances.map((i) => i.hooks()));
}

describeWith(redis, 'Redis: many instances, one session', () => {
  const redisUrl = redis.available ? redis.url : '';
  let fleet: Fleet | undefined;

  afterEach(async () => {
    await fleet?.stop();
    fleet = undefined;
  });

  it('shows the same ID on every instance for the life of the session (separate Node processes)', async () => {
    fleet = await startProcessFleet({
      label: 'stable',
      redisUrl,
      count: 3,
      logical: { idleTimeout: '30m', touchInterval: '1m' },
    });
    const client = fleet.newClient();
    const first = await client.request('GET', '/whoami');
    expect(first.status).toBe(200);
    const id = first.body.id as string;
    expect(id).toMatch(UUID);
    const cookie = client.cookie;

    // Two hours of activity in steps shorter than the idle timeout: the session never lapses.
    const results: HttpResult[] = [];
    for (let minute = 10; minute <= 120; minute += 10) {
      await advanceClocks(fleet.instances, minute * MINUTE);
      for (let k = 0; k < fleet.instances.length; k += 1) results.push(await client.request('GET', '/whoami'));
    }
    expectAllOk(results);
    expect(idsOf(results)).toEqual(new Set([id]));
    expect(new Set(results.map((r) => r.body.instance as string))).toEqual(new Set(['i0', 'i1', 'i2']));
    expect(client.cookie).toBe(cookie);

    const stored = await fleet.stored(client);
    expect(stored?.logical?.id).toBe(id);
    expect((await fleet.allStored()).size).toBe(1);
  });

  it('converges a 50-request burst after an idle timeout to one new ID, one end/start pair per instance, one eventId (separate Node processes)', async () => {
    fleet = await startProcessFleet({
      label: 'burst',
      redisUrl,
      count: 3,
      logical: { idleTimeout: '30m', touchInterval: '1m' },
    });
    const client = fleet.newClient();
    const first = await client.request('GET', '/whoami');
    const oldId = first.body.id as string;

    await advanceClocks(fleet.instances, 31 * MINUTE);
    const burst = await client.burst(50, 'GET', '/whoami');
    expectAllOk(burst);
    const ids = idsOf(burst);
    expect(ids.size).toBe(1);
    const [newId] = [...ids] as [string];
    expect(newId).not.toBe(oldId);
    expect(newId).toMatch(UUID);

    const stored = await fleet.stored(client);
    expect(stored?.logical?.id).toBe(newId);
    expect(stored?.logical?.previousId).toBe(oldId);
    expect((await fleet.allStored()).size).toBe(1);

    // Afterwards every instance agrees, without firing anything more.
    const after = await client.burst(6, 'GET', '/whoami');
    expect(idsOf(after)).toEqual(new Set([newId]));

    const logs = await hookLogs(fleet.instances);
    const starts = logs.map((log) => log.starts.filter((e) => e.reason === 'idle-timeout'));
    const ends = logs.map((log) => log.ends.filter((e) => e.reason === 'idle-timeout'));
    for (const perInstance of [...starts, ...ends]) expect(perInstance.length).toBeLessThanOrEqual(1);
    console.info(
      `[burst] idle-timeout starts per instance: ${starts.map((x) => x.length).join(', ')}; ends: ${ends.map((x) => x.length).join(', ')}`,
    );
    const allStarts = starts.flat();
    const allEnds = ends.flat();
    expect(allStarts.length).toBeGreaterThanOrEqual(1);
    expect(allEnds.length).toBeGreaterThanOrEqual(1);
    expect(new Set(allStarts.map((e) => e.eventId)).size).toBe(1);
    expect(new Set(allEnds.map((e) => e.eventId)).size).toBe(1);
    for (const start of allStarts) expect(start).toMatchObject({ sessionId: newId, previousId: oldId });
    for (const end of allEnds) expect(end.sessionId).toBe(oldId);
    // Exactly one 'new' start for the whole fleet: the first request's.
    expect(logs.flatMap((log) => log.starts.filter((e) => e.reason === 'new')).map((e) => e.sessionId)).toEqual([
      oldId,
    ]);
  });

  it('never loses data written on one instance while read-only requests are in flight on the others', async () => {
    fleet = await startInProcessFleet({
      label: 'lost-update',
      redisUrl,
      count: 3,
      logical: { idleTimeout: '30m', touchInterval: '1m' },
    });
    const [writer, ...readers] = fleet.instances as [Instance, ...Instance[]];
    const first = await httpRequest(writer.url, 'GET', '/whoami', {});
    const cookie = first.headers['set-cookie']![0]!.split(';', 1)[0]!;
    const written: string[] = [];
    const READS = 24;

    // Round 1: the reads refresh lastActivityAt (touch). Round 2: the reads rotate the ID (idle
    // timeout). Either way each read wrote to the store; none may write again at its end.
    for (const [round, offset] of [
      [1, 2 * MINUTE],
      [2, 40 * MINUTE],
    ] as const) {
      await advanceClocks(fleet.instances, offset);
      await Promise.all(readers.map((r) => r.setGate(false)));
      const reads = Promise.all(
        Array.from({ length: READS }, (_unused, i) =>
          httpRequest(readers[i % readers.length]!.url, 'GET', '/whoami?hold=1', { cookie }),
        ),
      );
      await waitFor(
        async () => (await Promise.all(readers.map((r) => r.health()))).reduce((n, h) => n + h.inflight, 0) === READS,
        'every read to be held past the session middleware',
      );
      for (let k = 0; k < 6; k += 1) {
        const key = `r${round}k${k}`;
        const res = await httpRequest(writer.url, 'POST', `/notes/${key}?value=${key}`, { cookie });
        expect(res.status).toBe(200);
        written.push(key);
      }
      await Promise.all(readers.map((r) => r.setGate(true)));
      const readResults = await reads;
      expectAllOk(readResults);
      expect(idsOf(readResults).size).toBe(1);
    }

    const expected = Object.fromEntries(written.map((key) => [key, key]));
    for (const instance of fleet.instances) {
      const res = await httpRequest(instance.url, 'GET', '/whoami', { cookie });
      expect(res.body.notes).toEqual(expected);
    }
    const stored = await fleet.admin.get(fleet.prefix + sessionIdOfCookie(cookie));
    expect((JSON.parse(stored!) as { notes: unknown }).notes).toEqual(expected);
  });

  it('rejects the old cookie on every instance after rotateSessionCookie on one of them', async () => {
    fleet = await startInProcessFleet({ label: 'rotate', redisUrl, count: 3 });
    const client = fleet.newClient();
    const first = await client.request('GET', '/whoami');
    const id = first.body.id as string;
    await client.request('POST', '/notes/cart?value=3-items');
    const oldCookie = client.cookie!;

    const rotated = await client.request('POST', '/rotate');
    expect(rotated.status).toBe(200);
    expect(rotated.body.id).toBe(id);
    expect(client.cookie).toBeDefined();
    expect(client.cookie).not.toBe(oldCookie);
    expect(await fleet.admin.exists(fleet.prefix + sessionIdOfCookie(oldCookie))).toBe(0);

    for (const instance of fleet.instances) {
      const withOld = await httpRequest(instance.url, 'GET', '/whoami', { cookie: oldCookie });
      expect(withOld.status).toBe(200);
      expect(withOld.body.id).not.toBe(id);
      expect(withOld.body.notes).toEqual({});
      const withNew = await httpRequest(instance.url, 'GET', '/whoami', { cookie: client.cookie });
      expect(withNew.body).toMatchObject({ id, notes: { cart: '3-items' } });
    }
    // The old cookie did not bring the old record back.
    expect(await fleet.admin.exists(fleet.prefix + sessionIdOfCookie(oldCookie))).toBe(0);
  });
});
