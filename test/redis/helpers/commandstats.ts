/**
 * Counts the commands a Redis server executed, from `INFO commandstats`, so a test can measure
 * writes at the server instead of trusting the code that issues them. Use it on a private server:
 * the counters are server-wide.
 */
import type { AdminClient } from './keys.js';

export type CommandCounts = Map<string, number>;

export async function readCommandCounts(client: AdminClient): Promise<CommandCounts> {
  const info = await client.info('commandstats');
  const counts: CommandCounts = new Map();
  // Lines look like: cmdstat_set:calls=12,usec=40,usec_per_call=3.33,rejected_calls=0,failed_calls=0
  for (const line of info.split(/\r?\n/)) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (match) counts.set(match[1]!.toLowerCase(), Number(match[2]));
  }
  return counts;
}

/** `after - before` per command, leaving out commands that did not run in between. */
export function diffCounts(before: CommandCounts, after: CommandCounts): CommandCounts {
  const diff: CommandCounts = new Map();
  for (const [name, calls] of after) {
    const delta = calls - (before.get(name) ?? 0);
    if (delta > 0) diff.set(name, delta);
  }
  return diff;
}

/** Measures the commands `action` causes. The admin client's own INFO calls are not counted. */
export async function countCommands(client: AdminClient, action: () => Promise<void>): Promise<CommandCounts> {
  const before = await readCommandCounts(client);
  await action();
  const after = await readCommandCounts(client);
  const diff = diffCounts(before, after);
  const info = diff.get('info') ?? 0;
  if (info <= 1) diff.delete('info');
  else diff.set('info', info - 1);
  return diff;
}
