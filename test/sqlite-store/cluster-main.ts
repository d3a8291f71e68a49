/**
 * Two Node `cluster` workers behind one port (round-robin), each on its own SqliteSessionStore over one
 * shared file. Started by cluster.test.ts with `fork` (ELS_CLUSTER_DB set); the primary reports the port over
 * IPC, relays clock moves to every worker and collects their lifecycle events. Exits with its parent.
 */
import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';
import { pino } from 'pino';
import {
  getSessionId,
  getSessionInfo,
  logicalSession,
  sessionErrorHandler,
  type SessionStartEvent,
} from '../../src/index.js';
import { SqliteSessionStore } from '../../src/sqlite-store/index.js';

const WORKERS = 2;
const database = process.env.ELS_CLUSTER_DB;
if (database === undefined || typeof process.send !== 'function') {
  throw new Error('cluster-main.ts is started by cluster.test.ts (fork with ELS_CLUSTER_DB set)');
}

/** A control message from the test, relayed by the primary: `{ id, clock }` or `{ id, starts: true }`. */
interface Control {
  id: number;
  clock?: number;
  starts?: true;
}

declare module 'express-session' {
  interface SessionData {
    count?: number;
  }
}

function runWorker(): void {
  let offset = 0;
  const starts: SessionStartEvent[] = [];
  const app = express();
  app.use(
    session({
      store: new SqliteSessionStore({ path: database! }),
      name: 'sid',
      secret: 'cluster-test-secret',
      resave: false,
      saveUninitialized: false,
    }),
  );
  app.use(
    logicalSession({
      idleTimeout: '30m',
      now: () => Date.now() + offset,
      hooks: { onSessionStart: (event) => void starts.push({ ...event }) },
    }),
  );
  const answer = (req: express.Request, res: express.Response): void => {
    res.json({
      worker: cluster.worker!.id,
      id: getSessionId(req),
      info: getSessionInfo(req),
      count: req.session.count,
    });
  };
  app.get('/whoami', answer);
  app.post('/count', (req, res) => {
    req.session.count = (req.session.count ?? 0) + 1;
    answer(req, res);
  });
  // A failure shows up on stderr and as a 5xx the test counts.
  app.use(sessionErrorHandler({ logger: pino({ level: 'error' }, pino.destination(2)) }));
  const server = app.listen(0, '127.0.0.1', () => {
    process.send!({ port: (server.address() as AddressInfo).port });
  });
  process.on('message', (message: Control) => {
    if (message.clock !== undefined) offset = message.clock;
    process.send!({ id: message.id, starts: message.starts ? starts : undefined });
  });
}

async function runPrimary(): Promise<void> {
  cluster.schedulingPolicy = cluster.SCHED_RR;
  const workers = Array.from({ length: WORKERS }, () => cluster.fork());
  const ports = await Promise.all(
    workers.map(
      (worker) => new Promise<number>((resolve) => worker.once('message', (m: { port: number }) => resolve(m.port))),
    ),
  );
  const ask = (worker: Worker, message: Control) =>
    new Promise<unknown>((resolve) => {
      const onMessage = (reply: { id?: number; starts?: unknown }) => {
        if (reply.id !== message.id) return;
        worker.off('message', onMessage);
        resolve(reply.starts);
      };
      worker.on('message', onMessage);
      worker.send(message);
    });
  process.on('message', (message: Control) => {
    void Promise.all(workers.map((worker) => ask(worker, message))).then((replies) => {
      process.send!({ id: message.id, starts: replies });
    });
  });
  process.on('disconnect', () => {
    for (const worker of workers) worker.kill('SIGKILL');
    process.exit(0);
  });
  process.send!({ port: ports[0] });
}

if (cluster.isPrimary) await runPrimary();
else runWorker();
