/**
 * Several processes on one machine share one SQLite file: a Node cluster of two workers behind one port,
 * round-robin. No write is lost and no request sees SQLITE_BUSY; a burst after an idle timeout converges on
 * one new logical ID across both processes. Time moves through the workers' injected clocks.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readStored } from '../../src/core/stored-form.js';
import type { SessionStartEvent } from '../../src/index.js';
import { RoundRobinClient, sessionIdOfCookie, type HttpResult } from '../helpers/round-robin-client.js';
import { tempDir } from '../helpers/temp-dir.js';
import { keyOf } from './harness.js';

const MINUTE = 60_000;
const dir = tempDir('els-sqlite-cluster-');
const database = join(dir.path, 'sessions.db');
let primary: ChildProcess;
let base: string;
let nextId = 0;

/** Sends a control message to every worker (through the primary) and resolves their replies. */
async function control(message: { clock?: number; starts?: true }): Promise<SessionStartEvent[][]> {
  const id = ++nextId;
  const reply = new Promise<SessionStartEvent[][]>((resolve) => {
    const onMessage = (answer: { id: number; starts: SessionStartEvent[][] }) => {
      if (answer.id !== id) return;
      primary.off('message', onMessage);
      resolve(answer.starts);
    };
    primary.on('message', onMessage);
  });
  primary.send({ id, ...message });
  return reply;
}

beforeAll(async () => {
  primary = fork(fileURLToPath(new URL('./cluster-main.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ELS_CLUSTER_DB: database },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = (await once(primary, 'message')) as [{ port: number }];
  base = `http://127.0.0.1:${ready.port}`;
});

afterAll(async () => {
  if (primary.exitCode === null) {
    const exited = once(primary, 'exit');
    primary.disconnect();
    await exited;
  }
  dir.remove();
});

function expectAllOk(results: readonly HttpResult[]): void {
  expect(results.filter((r) => r.status !== 200).map((r): unknown[] => [r.status, r.body])).toEqual([]);
}

it('loses no write over 1,000 requests from 50 sessions spread over two processes, and none fails', async () => {
  const SESSIONS = 50;
  const REQUESTS = 20;
  const clients = Array.from({ length: SESSIONS }, () => new RoundRobinClient([base]));
  const started = performance.now();
  const perSession = await Promise.all(
    clients.map(async (client) => {
      const results: HttpResult[] = [];
      for (let i = 0; i < REQUESTS; i++) results.push(await client.request('POST', '/count'));
      return results;
    }),
  );
  const all = perSession.flat();
  const elapsed = performance.now() - started;
  expectAllOk(all);
  // Every increment built on the one before, whichever process served it.
  for (const results of perSession)
    expect(results.map((r) => r.body.count as number)).toEqual(results.map((_r, i) => i + 1));
  const workers = new Set(all.map((r) => r.body.worker as number));
  expect(workers.size).toBe(2);
  const switching = perSession.filter(
    (results) => new Set(results.map((r) => r.body.worker as number)).size === 2,
  ).length;
  console.info(
    `[sqlite-store cluster] ${all.length} requests in ${Math.round(elapsed)} ms, ${SESSIONS} sessions, ${switching} served by both workers`,
  );
  expect(switching).toBeGreaterThan(SESSIONS / 2);
  for (const results of perSession) expect(new Set(results.map((r) => r.body.id as string)).size).toBe(1);
});

it('converges a 50-request burst after an idle timeout on one new ID across both processes', async () => {
  const client = new RoundRobinClient([base]);
  const oldId = (await client.request('GET', '/whoami')).body.id as string;
  await control({ clock: 31 * MINUTE });
  const burst = await client.burst(50, 'GET', '/whoami');
  expectAllOk(burst);
  expect(new Set(burst.map((r) => r.body.worker as number)).size).toBe(2);
  const ids = new Set(burst.map((r) => r.body.id as string));
  expect(ids.size).toBe(1);
  const [newId] = [...ids];
  expect(newId).not.toBe(oldId);
  expect(burst.every((r) => r.body.info.previousId === oldId)).toBe(true);

  const db = new Database(database, { readonly: true });
  const row = db
    .prepare('SELECT sess FROM sessions WHERE sid_hash = ?')
    .get(keyOf(sessionIdOfCookie(client.cookie!))) as { sess: string } | undefined;
  db.close();
  const stored = readStored((JSON.parse(row!.sess) as { els?: string }).els);
  expect(stored).toMatchObject({ id: newId, previousId: oldId });

  const starts = (await control({ starts: true })).map((log) => log.filter((e) => e.reason === 'idle-timeout'));
  for (const perWorker of starts) expect(perWorker.length).toBeLessThanOrEqual(1);
  expect(new Set(starts.flat().map((e) => e.eventId)).size).toBe(1);
  expect(new Set((await client.burst(6, 'GET', '/whoami')).map((r) => r.body.id as string))).toEqual(new Set([newId]));
});
