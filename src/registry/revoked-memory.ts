import { RecentMemory } from '../core/recent-memory.js';
import type { Revocation } from './backend.js';

/** How many revoked IDs an instance remembers at least (at most twice this): far more than revoke at once. */
const KEPT = 50_000;

/**
 * The revoked IDs this instance knows, in memory, so the check the middleware makes on every request costs
 * no I/O. Each is forgotten once it could no longer be used, or when many newer ones push it out.
 */
export class RevokedMemory {
  private readonly memory = new RecentMemory<Revocation>(KEPT);

  add(revocation: Revocation): void {
    const known = this.memory.get(revocation.sessionId);
    if (known === undefined || known.until < revocation.until) this.memory.set(revocation.sessionId, revocation);
  }

  /** The reason the ID was revoked, while the revocation is in force. */
  reasonFor(sessionId: string, now: number): string | undefined {
    const known = this.memory.get(sessionId);
    if (known === undefined) return undefined;
    if (known.until > now) return known.reason;
    this.memory.delete(sessionId);
    return undefined;
  }
}
