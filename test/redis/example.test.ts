/** examples/redis as a user runs it: balance.ts, two instances behind one port, one shared session. */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { describeWith, requireRedis } from '../helpers/services.js';
import { connectAdmin, deleteKeysUnder, testPrefix } from './helpers/keys.js';
import { httpRequest, RoundRobinClient } from '../helpers/round-robin-client.js';
import { waitFor } from '../helpers/wait.js';

const redis = requireRedis();

describeWith(redis, 'examples/redis', () => {
  let balancer: ChildProcess | undefined;
  let prefix: string | undefined;

  afterEach(async () => {
    const child = balancer;
    balancer = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const escalate = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(escalate);
    }
    if (prefix !== undefined && redis.available) {
      const admin = await connectAdmin(redis.url);
      await deleteKeysUnder(admin, prefix);
      admin.destroy();
    }
  });

  it('serves one session ID from both instances behind one port', async () => {
    prefix = testPrefix('example');
    const entry = fileURLToPath(new URL('../../examples/redis/balance.ts', import.meta.url));
    balancer = fork(entry, [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        PORT: '0',
        INSTANCES: '2',
        SESSION_PREFIX: prefix,
        REDIS_URL: redis.available ? redis.url : '',
      },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const [ready] = (await once(balancer, 'message')) as [{ port: number }];
    const base = `http://127.0.0.1:${ready.port}`;
    // The instances listen before their Redis client has connected, and answer 503 until it has (by
    // design, see server.ts). Wait for both, one cookie-less request to each per round, so the next
    // request goes to instance a again.
    await waitFor(
      async () => {
        const pair = [await httpRequest(base, 'GET', '/', {}), await httpRequest(base, 'GET', '/', {})];
        return pair.every((answer) => answer.status === 200);
      },
      'both instances to reach Redis',
      { timeoutMs: 10_000 },
    );
    const client = new RoundRobinClient([base], 'connect.sid');

    const visits = [];
    for (let i = 0; i < 4; i += 1) visits.push(await client.request('GET', '/'));
    expect(visits.map((v) => v.headers['x-instance'])).toEqual(['a', 'b', 'a', 'b']);
    const id = visits[0]!.body.sessionId as string;
    expect(visits.map((v) => v.headers['x-session-id'])).toEqual([id, id, id, id]);

    const cookieBefore = client.cookie;
    const login = await client.request('POST', '/login?user=grace');
    expect(login.body).toMatchObject({ sessionId: id, user: 'grace' });
    expect(client.cookie).not.toBe(cookieBefore);
    const after = await client.request('GET', '/');
    expect(after.body).toMatchObject({ sessionId: id, user: 'grace' });
  });
});
