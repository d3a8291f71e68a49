import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs TypeScript source as a Node process of its own (through tsx, from the project root) and returns how it
 * ended: for what only a whole process shows, such as a timer that keeps it alive. Gives up after 15 s.
 */
export function runScript(dir: string, name: string, source: string): SpawnSyncReturns<string> {
  const script = join(dir, `${name}.mts`);
  writeFileSync(script, source);
  return spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 15_000, cwd: root });
}
