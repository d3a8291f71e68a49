import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A server the test runs as its own Node process, as a user starts it. */
export interface ChildServer {
  /** The base URL the server printed. */
  readonly url: string;
  /** Everything it printed before it was ready. */
  readonly banner: readonly string[];
  /** Stops it with the signal (SIGKILL: no clean close) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `script` (TypeScript, through tsx, from the project root) and resolves once a line of its output
 * matches `ready` (whose first group is the URL): readiness, not a fixed sleep.
 */
export async function startChildServer(
  script: string,
  env: Record<string, string>,
  ready: RegExp,
): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const banner: string[] = [];
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${script} exited with ${String(code)} before it was ready:\n${banner.join('\n')}`);
  });
  const lines = createInterface({ input: child.stdout! });
  const url = (async () => {
    for await (const line of lines) {
      banner.push(line);
      const found = ready.exec(line)?.[1];
      if (found !== undefined) return found;
    }
    throw new Error(`${script} closed its output before it was ready`);
  })();
  const base = await Promise.race([url, exited]);
  child.stdout!.resume(); // later lines must not fill the pipe
  return {
    url: base,
    banner,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = once(child, 'exit');
      child.kill(signal);
      await done;
    },
  };
}
