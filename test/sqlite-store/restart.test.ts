/**
 * examples/basic as a user runs it (`npm run example:basic`), killed with SIGKILL (no clean close) and
 * started again on the same SQLite file: the same cookie still works, with the same data, the same
 * logical ID and the same activity timeline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = tempDir('els-sqlite-restart-');
const database = join(dir.path, 'data', 'sessions.db');
let running: ChildProcess | undefined;

afterEach(async () => {
  if (running && running.exitCode === null && running.signalCode === null) {
    const exited = once(running, 'exit');
    running.kill('SIGKILL');
    await exited;
  }
  running = undefined;
});
afterAll(() => dir.remove());

/** Starts examples/basic/server.ts on a free port and resolves its base URL once it says it listens. */
async function startExample(): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/basic/server.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', SESSION_DB: database },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running = child;
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`examples/basic exited with ${String(code)} before it listened`);
  });
  const ready = (async () => {
    for await (const line of lines) {
      const url = /example on (http:\/\/localhost:\d+)/.exec(line)?.[1];
      if (url !== undefined) return url;
    }
    throw new Error('examples/basic closed its output before it listened');
  })();
  // The app's log lines keep coming after the ready line; read them so the pipe never fills up.
  const url = await Promise.race([ready, exited]);
  child.stdout.resume();
  return url;
}

async function kill(): Promise<void> {
  const exited = once(running!, 'exit');
  running!.kill('SIGKILL');
  const [, signal] = (await exited) as [number | null, string | null];
  expect(signal).toBe('SIGKILL');
}

function client(base: string, cookie: { value?: string }) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(cookie.value === undefined ? {} : { cookie: cookie.value }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = res.headers.get('set-cookie');
    if (set !== null) cookie.value = set.split(';')[0];
    return { status: res.status, header: res.headers.get('x-session-id'), body: (await res.json()) as any };
  };
}

it('keeps the session, its data, its logical ID and its activity timeline across a SIGKILL and a restart', async () => {
  const cookie: { value?: string } = {};
  let call = client(await startExample(), cookie);
  const home = await call('GET', '/');
  const id = home.body.sessionId as string;
  expect(home.header).toBe(id);
  expect((await call('POST', '/cart', { item: 'lamp' })).body.cart).toEqual(['lamp']);
  expect((await call('POST', '/login', { user: 'grace' })).body).toEqual({ sessionId: id, user: 'grace' });
  // Activity is written in batches off the request path: wait until the batch is in the file.
  const timeline = await waitFor(async () => {
    const entries = (await call('GET', '/activity')).body as { type: string }[];
    return entries.some((entry) => entry.type === 'cart.add') ? entries : undefined;
  }, 'the activity batch to be written');
  expect(timeline.map((entry) => entry.type)).toEqual(['session.start', 'cart.add']);

  await kill();
  call = client(await startExample(), cookie);

  const after = await call('GET', '/');
  expect(after.status).toBe(200);
  expect(after.header).toBe(id);
  expect(after.body).toMatchObject({ sessionId: id, user: 'grace', info: { isNew: false } });
  expect((await call('GET', '/activity')).body).toEqual(timeline);
  expect((await call('POST', '/cart', { item: 'book' })).body.cart).toEqual(['lamp', 'book']);
});
