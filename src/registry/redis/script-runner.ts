import { hash } from 'node:crypto';
import type { RegistryRedisClient } from '../types.js';

/**
 * Runs a script by its SHA1 (EVALSHA: the script text is sent once per server, not with every call), and with
 * its text when the server does not know it yet (after a restart, on a new cluster node).
 */
export class ScriptRunner {
  private readonly shas = new Map<string, string>();

  constructor(private readonly client: RegistryRedisClient) {}

  async call(script: string, keys: string[], args: string[]): Promise<unknown> {
    let sha = this.shas.get(script);
    if (sha === undefined) {
      sha = hash('sha1', script);
      this.shas.set(script, sha);
    }
    try {
      return await this.client.evalSha(sha, { keys, arguments: args });
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.client.eval(script, { keys, arguments: args });
    }
  }
}
