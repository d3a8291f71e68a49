import { USER_LINK_ACTIVITY } from '../core/activity-types.js';
import type { Request } from 'express';
import { isThenable } from '../core/deadline.js';
import { ErrorCodes, LogicalSessionError } from '../core/errors.js';
import type { SessionEndEvent, SessionReason } from '../core/events.js';
import type { LifecycleListener, SessionRotation, SessionTouch } from '../core/listeners.js';
import type { LogicalSessionModule, ModuleCore } from '../core/modules.js';
import { stateOf, type RequestState } from '../core/session-state.js';
import { checkReason, checkSessionId, checkUserId } from './arguments.js';
import {
  byRecentActivity,
  isLive,
  publicEntry,
  type EntryTimes,
  type RegistryBackend,
  type Revocation,
  type StoredEntry,
} from './backend.js';
import { deviceOf, parseUserAgent } from './device.js';
import { entryTimes, refuseUntil } from './expiry.js';
import { forwardedWithoutTrust, ipPrefixOf } from './network.js';
import type { RegistryConfiguration } from './options.js';
import { bounded } from './registry-errors.js';
import { RevokedMemory } from './revoked-memory.js';
import { deviceChanged, linkSignals } from './signals.js';
import type { LinkResult, RegistryEntry, SessionRegistry, SessionSignal } from './types.js';

/** Ends the registry fires itself: the entry was already dealt with, nothing to remove on hearing them. */
const OWN_REASONS: ReadonlySet<string> = new Set(['revoked', 'evicted', 'expired']);
/** Sessions claimed per sweep step, and the most steps of one sweep. */
const SWEEP_BATCH = 500;
const SWEEP_STEPS = 200;

/**
 * The registry every backend shares: it follows the lifecycle (touch, rotate, end), answers the per-request
 * revocation check from memory, links users, computes the signals and runs the sweep. The backend stores.
 */
export class Registry implements SessionRegistry, LogicalSessionModule {
  readonly listener: LifecycleListener;
  private core: ModuleCore | undefined;
  private readonly revoked = new RevokedMemory();
  /** Ends heard in this tick: removed unless a rotation (fired in the same tick) moves the entry instead. */
  private readonly pendingEnds = new Set<string>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;
  private warnedForwarded = false;

  constructor(
    readonly name: string,
    private readonly config: RegistryConfiguration,
    private readonly backend: RegistryBackend,
  ) {
    this.listener = {
      name,
      touch: (event: SessionTouch, req: Request) => this.touched(event, req),
      rotate: (event: SessionRotation) => this.rotated(event),
      end: (event: SessionEndEvent) => this.ended(event),
    };
  }

  endReason(sessionId: string): SessionReason | undefined {
    return this.revoked.reasonFor(sessionId, this.now());
  }

  /** One registry serves one `logicalSession()` middleware: its timeouts decide the registry's expiry. */
  attach(core: ModuleCore): void {
    if (this.core !== undefined) {
      throw new LogicalSessionError(
        ErrorCodes.INVALID_OPTION,
        `logicalSession(): option \`registry\` received a registry that another logicalSession() already uses. Create one registry per middleware (${this.config.caller}); registries on the same backend share their sessions.`,
      );
    }
    this.core = core;
    this.backend.listen({
      heard: (revocation) => this.revoked.add(revocation),
      reconnected: () => this.catchUp(),
      failed: (err) => this.report('the revocation feed failed; this instance may hear of revocations late', err),
    });
    this.catchUp().catch(() => undefined);
    const interval = this.config.sweepInterval;
    if (interval !== false) {
      this.sweepTimer = setInterval(() => {
        this.sweep().catch((err: unknown) => this.report('the sweep failed; it runs again at the next interval', err));
      }, interval);
      this.sweepTimer.unref();
    }
  }

  async list(userId: string): Promise<RegistryEntry[]> {
    const id = checkUserId(`${this.name}.list(userId)`, userId);
    const now = this.now();
    const entries = await this.call('list', () => this.backend.list(id, now));
    return entries
      .filter((entry) => isLive(entry, now))
      .sort(byRecentActivity)
      .map(publicEntry);
  }

  async get(sessionId: string): Promise<RegistryEntry | undefined> {
    if (!checkSessionId(`${this.name}.get(sessionId)`, sessionId)) return undefined;
    const now = this.now();
    const entry = await this.call('get', () => this.backend.get(sessionId, now));
    return entry !== undefined && isLive(entry, now) ? publicEntry(entry) : undefined;
  }

  async revoke(sessionId: string, reason?: SessionReason): Promise<boolean> {
    const why = checkReason(`${this.name}.revoke(sessionId, reason)`, reason, 'revoked');
    if (!checkSessionId(`${this.name}.revoke(sessionId)`, sessionId)) return false;
    const now = this.now();
    const revocation = { sessionId, reason: why, until: this.refuseUntil(now) };
    // Refused here at once, even if the backend then fails: this instance never serves it again.
    this.revoked.add(revocation);
    await this.call('revoke', () => this.backend.publish([revocation], now));
    const entry = await this.call('revoke', () => this.backend.remove(sessionId, now));
    if (entry !== undefined && entry.endedAt === undefined) this.core?.endSession(sessionId, why, now);
    return entry !== undefined && isLive(entry, now);
  }

  async revokeAll(userId: string, reason?: SessionReason): Promise<number> {
    const id = checkUserId(`${this.name}.revokeAll(userId)`, userId);
    const why = checkReason(`${this.name}.revokeAll(userId, reason)`, reason, 'revoked');
    return this.revokeUser(id, undefined, why);
  }

  /** `revokeOtherSessions(req)`: the user's sessions but this one. */
  async revokeOthers(sessionId: string): Promise<number> {
    const now = this.now();
    const entry = await this.call('revokeOtherSessions', () => this.backend.get(sessionId, now));
    if (entry === undefined || !isLive(entry, now)) {
      throw new LogicalSessionError(
        ErrorCodes.INVALID_ARGUMENT,
        'revokeOtherSessions(req): this session is not linked to a user. Call linkUser(req, userId) at login first.',
      );
    }
    return this.revokeUser(entry.userId, sessionId, 'revoked');
  }

  /** `linkUser(req, userId)`: the atomic link (with the limit), the evictions, the signals. */
  async link(req: Request, state: RequestState, userId: string): Promise<LinkResult> {
    const core = this.attached('linkUser(req, userId)');
    const now = this.now();
    const sessionId = state.sessionId;
    const entry: StoredEntry = {
      sessionId,
      userId,
      linkedAt: now,
      ...this.timesFor(state.createdAt, now),
      device: deviceOf(req.headers['user-agent'], this.config.parseUserAgent ?? parseUserAgent),
      ipPrefix: this.ipPrefixOf(req),
    };
    const limit = this.config.maxSessionsPerUser;
    const outcome = await this.call('linkUser', () => this.backend.link(entry, limit, now));
    await this.revokeIds(outcome.evicted, 'evicted', now);
    core.recordActivity(sessionId, USER_LINK_ACTIVITY, { userId }, req);
    const signals = linkSignals(entry, outcome, limit, now);
    this.emit(signals, req);
    return { sessionId, evicted: outcome.evicted, signals };
  }

  async sweep(): Promise<number> {
    this.sweeping ??= this.runSweep().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    await this.sweeping?.catch(() => undefined);
    await this.backend.close();
  }

  private async runSweep(): Promise<number> {
    const core = this.core;
    if (core === undefined) return 0;
    const now = this.now();
    let ended = 0;
    for (let step = 0; step < SWEEP_STEPS; step++) {
      const { expired, done } = await this.call('sweep', () => this.backend.expire(now, SWEEP_BATCH));
      for (const session of expired) core.endSession(session.sessionId, 'expired', Math.min(session.expiresAt, now));
      ended += expired.length;
      if (done) break;
    }
    return ended;
  }

  private async revokeUser(userId: string, except: string | undefined, reason: string): Promise<number> {
    const now = this.now();
    const removed = await this.call('revokeAll', () => this.backend.removeUser(userId, except, now));
    const live = removed.filter((entry) => isLive(entry, now)).map((entry) => entry.sessionId);
    await this.revokeIds(
      removed.filter((entry) => entry.endedAt === undefined).map((entry) => entry.sessionId),
      reason,
      now,
    );
    return live.length;
  }

  /** Refuses the IDs here, ends them, and tells the other instances. */
  private async revokeIds(sessionIds: readonly string[], reason: string, now: number): Promise<void> {
    if (sessionIds.length === 0) return;
    const until = this.refuseUntil(now);
    const revocations: Revocation[] = sessionIds.map((sessionId) => ({ sessionId, reason, until }));
    for (const revocation of revocations) {
      this.revoked.add(revocation);
      this.core?.endSession(revocation.sessionId, reason, now);
    }
    await this.call('revoke', () => this.backend.publish(revocations, now));
  }

  private async touched(event: SessionTouch, req: Request): Promise<void> {
    const times = this.timesFor(stateOf(req).createdAt, event.lastActivityAt);
    const device = deviceOf(req.headers['user-agent'], this.config.parseUserAgent ?? parseUserAgent);
    const update = { device, ipPrefix: this.ipPrefixOf(req) };
    const before = await this.call('touch', () => this.backend.touch(event.sessionId, times, update));
    if (before === undefined) return;
    const changed = deviceChanged(before, { ...before, ...update }, this.now());
    if (changed) this.emit([changed], req);
  }

  private async rotated(event: SessionRotation): Promise<void> {
    this.pendingEnds.delete(event.previousId);
    const times = this.timesFor(event.at, event.at);
    await this.call('rotate', () => this.backend.move(event.previousId, event.sessionId, times));
  }

  private async ended(event: SessionEndEvent): Promise<void> {
    if (OWN_REASONS.has(event.reason)) return;
    this.pendingEnds.add(event.sessionId);
    // A rotation fires end, start and rotate in one synchronous run: by the next microtask it has been heard.
    await Promise.resolve();
    if (!this.pendingEnds.delete(event.sessionId)) return;
    await this.call('end', () => this.backend.remove(event.sessionId, event.at));
  }

  /** Loads every revocation in force; a failure is reported, and rejects so the caller can try again. */
  private async catchUp(): Promise<void> {
    try {
      const now = this.now();
      const revocations = await this.call('revocations', () => this.backend.revocations(now));
      for (const revocation of revocations) this.revoked.add(revocation);
    } catch (err) {
      this.report('loading the revoked sessions failed; this instance knows only those it hears of', err);
      throw err;
    }
  }

  private emit(signals: readonly SessionSignal[], req: Request | undefined): void {
    const onSignal = this.config.onSignal;
    for (const signal of signals) {
      const { type, sessionId, ...details } = signal;
      this.core?.recordActivity(sessionId, 'session.signal', { signal: type, ...details }, req);
      if (onSignal === undefined) continue;
      const failed = (err: unknown): void => this.report('onSignal failed', err, req);
      try {
        const result = onSignal(signal, req);
        if (isThenable(result)) result.then(undefined, failed);
      } catch (err) {
        failed(err);
      }
    }
  }

  private ipPrefixOf(req: Request): string | undefined {
    const custom = this.config.ipPrefix;
    if (custom !== undefined) return custom(req);
    if (!this.warnedForwarded && forwardedWithoutTrust(req)) {
      this.warnedForwarded = true;
      this.report(
        "a request carries X-Forwarded-For but the app's `trust proxy` is off, so req.ip (and every ipPrefix) is the proxy's. Behind a proxy, set app.set('trust proxy', 1) (the number of proxies)",
        new Error('X-Forwarded-For without trust proxy'),
        req,
      );
    }
    return ipPrefixOf(req);
  }

  private timesFor(createdAt: number, lastActivityAt: number): EntryTimes {
    return entryTimes(this.attached('the registry'), this.config.ttl, createdAt, lastActivityAt);
  }

  private refuseUntil(now: number): number {
    return refuseUntil(now, this.config.ttl, this.core?.idleTimeout ?? false);
  }

  private now(): number {
    return (this.config.now ?? this.core?.now ?? Date.now)();
  }

  private attached(call: string): ModuleCore {
    if (this.core !== undefined) return this.core;
    throw new LogicalSessionError(
      ErrorCodes.INVALID_ARGUMENT,
      `${call}: the registry is not passed to logicalSession(). Pass it: app.use(logicalSession({ registry })).`,
    );
  }

  private call<T>(call: string, work: () => Promise<T>): Promise<T> {
    return bounded(this.name, call, this.config.timeout, work);
  }

  /** Failures are reported through the middleware (its logger); they happen only once attached. */
  private report(message: string, err: unknown, req?: Request): void {
    this.core?.reportFailure(message, err, req);
  }
}
