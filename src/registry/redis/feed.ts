import type { RevocationHandlers } from '../backend.js';
import type { RegistryRedisClient } from '../types.js';

/** How often a feed that failed tries to catch up again. */
const RETRY_MS = 1_000;
const MESSAGE = /^(\S+) (\S+) (\d+)$/;

/**
 * Hears the revocations of every instance on a duplicate of the app's client (a client in subscriber mode runs
 * no other command). Once subscribed, and after any failure once Redis answers again, it has the registry load
 * every revocation in force, so an instance that missed messages catches up. No keyspace notifications, no CONFIG.
 */
export class RevocationFeed {
  private readonly subscriber: RegistryRedisClient;
  private stale = false;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    client: RegistryRedisClient,
    channel: string,
    private readonly handlers: RevocationHandlers,
  ) {
    this.subscriber = client.duplicate();
    let reported = false;
    this.subscriber.on('error', (err: unknown) => {
      if (this.closed) return;
      this.stale = true;
      if (!reported) handlers.failed(err);
      reported = true;
    });
    this.subscriber.on('ready', () => {
      reported = false;
      this.catchUp();
    });
    this.start(channel).catch((err: unknown) => {
      if (this.closed) return;
      this.stale = true;
      handlers.failed(err);
    });
    this.retry = setInterval(() => {
      if (this.stale) this.catchUp();
    }, RETRY_MS);
    this.retry.unref();
  }

  private async start(channel: string): Promise<void> {
    await this.subscriber.connect();
    await this.subscriber.subscribe(channel, (message) => {
      const [, sessionId, reason, until] = MESSAGE.exec(message) ?? [];
      if (sessionId !== undefined && reason !== undefined)
        this.handlers.heard({ sessionId, reason, until: Number(until) });
    });
    // Subscribed: anything revoked from now on is heard, so load what came before.
    this.catchUp();
  }

  private catchUp(): void {
    if (this.closed) return;
    this.stale = false;
    this.handlers.reconnected().catch(() => {
      this.stale = true;
    });
  }

  close(): Promise<void> {
    this.closed = true;
    clearInterval(this.retry);
    try {
      this.subscriber.destroy();
    } catch {
      // Already closed.
    }
    return Promise.resolve();
  }
}
