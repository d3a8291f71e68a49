// Two instances behind one port: `npx tsx examples/redis/balance.ts`, then open http://127.0.0.1:3000.
// Each request goes to the next instance in turn (X-Instance says which); X-Session-Id stays the same.
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const count = Number(process.env.INSTANCES ?? 2);
const names = 'abcdefghij'.split('');

async function startInstance(name: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, PORT: '0', INSTANCE: name },
  });
  const [message] = (await once(child, 'message')) as [{ port: number }];
  return { child, port: message.port };
}

const instances = await Promise.all(Array.from({ length: count }, (_unused, i) => startInstance(names[i] ?? `i${i}`)));
let turn = 0;

// Not a production balancer: just enough to show that any instance can serve any request.
const balancer = http.createServer((req, res) => {
  const target = instances[turn++ % instances.length]!;
  const upstream = http.request(
    { host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
});
balancer.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
await once(balancer, 'listening');
const { port } = balancer.address() as AddressInfo;
console.log(`${count} instances behind http://127.0.0.1:${port} (ports ${instances.map((i) => i.port).join(', ')})`);
process.send?.({ port });

function shutdown(): void {
  balancer.close();
  balancer.closeAllConnections();
  for (const { child } of instances) child.kill('SIGTERM');
  if (process.connected) process.disconnect();
}
process.once('SIGINT', shutdown).once('SIGTERM', shutdown).once('disconnect', shutdown);
