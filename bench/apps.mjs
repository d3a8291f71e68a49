// Starting, pinning and talking to app processes.
import { execFileSync, fork } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const APP = fileURLToPath(new URL('./app.mjs', import.meta.url));
// With two or more cores the load generator gets core 0 and the app under test core 1, so the
// two never steal time from each other (Redis and other tenants still share the machine).
export const canPin = cpus().length >= 2 && hasTaskset();

function hasTaskset() {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pins every thread of a process to one core; quietly does nothing where that is impossible. */
export function pin(pid, core) {
  if (!canPin) return;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
  } catch {
    // Not fatal: the figures are just noisier.
  }
}

/** The apps that load the library (the others are express-session alone, B's pattern, G). */
export const usesLibrary = (variant) => ['C', 'D', 'E', 'F', 'H', 'J'].includes(variant);

/** Forks one app variant and resolves once it listens. */
export function startApp({
  variant,
  store,
  prefix,
  libPath,
  express,
  sessionRows = 0,
  execArgv = [],
  execPath = process.execPath,
  app: appPath = APP, // app.mjs in a copy of the project (runtime.mjs)
}) {
  const child = fork(appPath, [], {
    env: {
      ...process.env,
      BENCH_APP: variant,
      BENCH_STORE: store,
      BENCH_PREFIX: prefix,
      BENCH_LIB: libPath ?? '',
      BENCH_EXPRESS: express,
      BENCH_SESSION_ROWS: String(sessionRows),
    },
    execArgv,
    execPath,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  pin(child.pid, 1);
  const pending = new Map();
  let nextId = 0;
  child.on('message', (msg) => {
    const waiter = pending.get(msg.id);
    if (!waiter) return;
    pending.delete(msg.id);
    if (msg.error) waiter.reject(new Error(`app ${variant}: ${msg.error}`));
    else waiter.resolve(msg.value);
  });
  const app = {
    variant,
    store,
    child,
    port: 0,
    call(cmd, arg) {
      return new Promise((resolve, reject) => {
        const id = ++nextId;
        pending.set(id, { resolve, reject });
        child.send({ id, cmd, arg });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await app.call('close').catch(() => child.kill());
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`app ${variant} (${store}) exited with code ${code} before listening`)),
    );
    child.on('message', (msg) => {
      if (msg.type !== 'ready') return;
      app.port = msg.port;
      resolve(app);
    });
  });
}
