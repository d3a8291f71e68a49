/**
 * The demo's promises, over HTTP: killed and started again it keeps everything (same cookie, same user,
 * same logical ID, same timeline); with REDIS_URL, two demo processes on two ports share their users.
 */
import { afterEach, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../helpers/child-server.js';
import { describeWith, requireRedis } from '../helpers/services.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const READY = /open (http:\/\/localhost:\d+)/;
const running: ChildServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop('SIGKILL');
});

async function startDemo(env: Record<string, string>): Promise<ChildServer> {
  const demo = await startChildServer('demo/server.ts', { PORT: '0', ...env }, READY);
  running.push(demo);
  return demo;
}

/** A browser-like client: one cookie jar, form posts, redirects not followed. */
function visitor() {
  let cookie: string | undefined;
  return async (base: string, method: string, path: string, form?: Record<string, string>) => {
    const res = await fetch(base + path, {
      method,
      redirect: 'manual',
      headers: {
        ...(cookie === undefined ? {} : { cookie }),
        ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      body: form === undefined ? undefined : new URLSearchParams(form).toString(),
    });
    const set = res.headers.get('set-cookie');
    if (set !== null) cookie = set.split(';')[0];
    return {
      status: res.status,
      id: res.headers.get('x-session-id'),
      text: await res.text(),
      location: res.headers.get('location'),
    };
  };
}

it('keeps users, logical IDs and timelines across a restart (SIGKILL, no clean close)', async () => {
  const data = tempDir('els-demo-restart-');
  try {
    const env = { DEMO_DATA: data.path, REDIS_URL: '' };
    let demo = await startDemo(env);
    expect(demo.banner[0]).toMatch(/^express-logical-session demo: sessions and registry on SQLite/);
    const call = visitor();
    const home = await call(demo.url, 'GET', '/');
    await call(demo.url, 'POST', '/login', { username: 'alice', password: 'wonderland' });
    const before = await call(demo.url, 'GET', '/devices');
    expect(before.text).toContain('this device');
    expect(before.id).toBe(home.id);
    // The activity is written in batches; once the login is in the file, a kill cannot lose it.
    const support = visitor();
    await support(demo.url, 'POST', '/login', { username: 'sam', password: 'support' });
    await waitFor(
      async () => (await support(demo.url, 'GET', `/support/sessions/${home.id!}`)).text.includes('session.user'),
      'the login to be in the activity file',
      { intervalMs: 100 },
    );
    await demo.stop('SIGKILL');
    running.splice(0);

    demo = await startDemo(env);
    const after = await call(demo.url, 'GET', '/devices');
    expect(after.status).toBe(200);
    expect(after.id).toBe(home.id);
    expect(after.text).toContain('signed in as <strong>Alice</strong>');
    const timeline = await support(demo.url, 'GET', `/support/sessions/${home.id!}`);
    expect(timeline.status).toBe(200);
    expect(timeline.text).toContain('session.user');
  } finally {
    data.remove();
  }
}, 60_000);

describeWith(requireRedis(), 'the demo on Redis', () => {
  it('says so in its first line, and two processes on two ports share their users', async () => {
    const data = tempDir('els-demo-redis-');
    try {
      const env = { DEMO_DATA: data.path, REDIS_URL: process.env.REDIS_URL ?? '' };
      const [a, b] = await Promise.all([startDemo(env), startDemo(env)]);
      expect(a.banner[0]).toMatch(/^express-logical-session demo: sessions and registry on Redis/);
      const call = visitor();
      const home = await call(a.url, 'GET', '/');
      await call(a.url, 'POST', '/login', { username: 'alice', password: 'wonderland' });
      const elsewhere = await call(b.url, 'GET', '/devices');
      expect(elsewhere.status).toBe(200);
      expect(elsewhere.id).toBe(home.id);
      expect(elsewhere.text).toContain('this device');
    } finally {
      data.remove();
    }
  }, 60_000);
});
