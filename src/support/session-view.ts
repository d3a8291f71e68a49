import type { ActivityEntry, SessionSummary } from '../activity/reader.js';
import { cutText, maskDetails, shownCounts } from './masking.js';
import type { SupportConfiguration } from './options.js';
import { normalizeEntry, type DeviceView, type RegistryEntryView } from './registry-entry.js';

/**
 * One logical session as the console shows it, in HTML and as JSON. The field names are part of the API
 * (README, "The support console"); times are epoch ms.
 *
 * @example
 * ```ts
 * const view = (await (await fetch(`/support/sessions/${id}`, { headers: { accept: 'application/json' } })).json()) as SessionView;
 * if (view.status === 'ended') console.log(view.endReason);
 * ```
 */
export interface SessionView {
  readonly sessionId: string;
  /** `expired`: no end was recorded and the last sign of life is older than the idle timeout. */
  readonly status: 'active' | 'ended' | 'expired';
  /** The recorded reason of an `ended` session (`logout`, `idle-timeout`, `revoked`, ...); `null` otherwise. */
  readonly endReason: string | null;
  /** When it ended: the `session.end` time, or for `expired` the last sign of life plus the idle timeout. */
  readonly endedAt: number | null;
  readonly firstSeen: number;
  /**
   * The latest sign of life: the latest event (not counting an `idle-timeout` or `expired` end, recorded
   * when the timeout was noticed), or the registry's last activity when that is later.
   */
  readonly lastSeen: number;
  readonly durationMs: number;
  readonly user: { readonly userId: string; readonly linkedAt: number | null } | null;
  readonly device: DeviceView | null;
  readonly ipPrefix: string | null;
  /** The session this one continues. */
  readonly previousId: string | null;
  /** The sessions that continue it; `null` when the activity reader cannot tell. */
  readonly nextIds: readonly string[] | null;
  readonly total: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly errors: readonly SessionErrorView[];
  readonly timeline: {
    /** Oldest first: the page of events just before the cursor (the latest ones without a cursor). */
    readonly entries: readonly TimelineEntryView[];
    /** The cursor of the page before this one, `null` on the first event. */
    readonly older: { readonly before: number; readonly beforeId: string } | null;
  };
  /** What the console could not find out, in words (a registry that did not answer). */
  readonly warnings: readonly string[];
}

/**
 * One `error` event of a session, its details picked apart (each `null` when the error handler did not record it).
 *
 * @example
 * ```ts
 * { id: '812', at: 1732253400000, status: 500, method: 'POST', route: '/upload', requestId: 'req-7', message: 'Internal Server Error' }
 * ```
 */
export interface SessionErrorView {
  readonly id: string;
  readonly at: number;
  readonly status: number | null;
  readonly method: string | null;
  readonly route: string | null;
  readonly requestId: string | null;
  readonly message: string | null;
}

/**
 * One event of the timeline; `details` masked (secret-looking keys), cut and bounded.
 *
 * @example
 * ```ts
 * { id: '811', at: 1732253399000, type: 'upload', details: { file: 'a.pdf', token: '[masked]' } }
 * ```
 */
export interface TimelineEntryView {
  readonly id: string;
  readonly at: number;
  readonly type: string;
  readonly details: unknown;
}

/** Where the timeline page starts: the oldest entry of the newer page, or nothing for the latest page. */
export interface TimelineCursor {
  readonly before: number;
  readonly beforeId: string;
}

function text(details: unknown, ...keys: readonly string[]): string | null {
  if (typeof details !== 'object' || details === null) return null;
  for (const key of keys) {
    const value = (details as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number') return cutText(String(value));
  }
  return null;
}

function errorView(entry: ActivityEntry): SessionErrorView {
  const status = Number(text(entry.details, 'status', 'statusCode'));
  return {
    id: entry.id,
    at: entry.at,
    status: Number.isInteger(status) && status > 0 ? status : null,
    method: text(entry.details, 'method'),
    route: text(entry.details, 'route', 'path', 'url'),
    requestId: text(entry.details, 'requestId', 'reqId', 'request_id'),
    message: text(entry.details, 'message', 'error'),
  };
}

function entryView(entry: ActivityEntry): TimelineEntryView {
  return { id: entry.id, at: entry.at, type: cutText(entry.type, 100), details: maskDetails(entry.details) };
}

/** The end, from the summary, or (a reader without `ended`) from the events on this page. */
function endOf(summary: SessionSummary | undefined, page: readonly ActivityEntry[]): SessionSummary['ended'] {
  if (summary?.ended) return summary.ended;
  const end = page.findLast((entry) => entry.type === 'session.end');
  return end === undefined ? undefined : { at: end.at, reason: text(end.details, 'reason') ?? 'unknown' };
}

function previousOf(summary: SessionSummary | undefined, page: readonly ActivityEntry[]): string | null {
  if (summary?.previousId !== undefined) return cutText(summary.previousId, 200);
  return text(page.find((entry) => entry.type === 'session.start')?.details, 'previousId');
}

// Ends recorded when the next request (or the registry's sweep) noticed the timeout, long after the user left.
const NOTICED_LATE = new Set(['idle-timeout', 'expired']);

/**
 * The latest sign of life in the activity: the latest event, unless that is an end noticed late, whose time
 * says when someone came back rather than when the session was last used.
 */
async function lastActiveOf(
  config: SupportConfiguration,
  summary: SessionSummary,
  ended: SessionSummary['ended'],
  newest: readonly ActivityEntry[] | undefined,
): Promise<number> {
  if (ended === undefined || !NOTICED_LATE.has(ended.reason) || ended.at < summary.lastSeen) return summary.lastSeen;
  const latest = newest ?? (await config.activity.timeline(summary.sessionId, { limit: 5 }));
  return latest.findLast((entry) => entry.type !== 'session.end')?.at ?? summary.lastSeen;
}

/**
 * Ended when an end was recorded; else expired when nothing happened for the idle timeout (`expiredAt`) and
 * the registry does not list it: the registry follows requests, the activity log only events.
 */
function statusOf(
  ended: SessionSummary['ended'],
  listed: boolean,
  expiredAt: number | null,
): Pick<SessionView, 'status' | 'endReason' | 'endedAt'> {
  if (ended) return { status: 'ended', endReason: cutText(ended.reason, 100), endedAt: ended.at };
  if (!listed && expiredAt !== null) return { status: 'expired', endReason: null, endedAt: expiredAt };
  return { status: 'active', endReason: null, endedAt: null };
}

async function registryEntry(
  config: SupportConfiguration,
  sessionId: string,
  warnings: string[],
): Promise<RegistryEntryView | undefined> {
  if (!config.registry) return undefined;
  try {
    return normalizeEntry(await config.registry.get(sessionId));
  } catch {
    // The activity still tells most of the story; the page says what is missing.
    warnings.push('The registry did not answer: the user, the device and the live state are unknown.');
    return undefined;
  }
}

/** Everything the console shows about one session; `undefined` when neither the activity nor the registry knows it. */
export async function buildSessionView(
  config: SupportConfiguration,
  sessionId: string,
  cursor: TimelineCursor | undefined,
): Promise<SessionView | undefined> {
  const warnings: string[] = [];
  const reader = config.activity;
  const [summary, entry] = await Promise.all([reader.summary(sessionId), registryEntry(config, sessionId, warnings)]);
  if (summary === undefined && entry === undefined) return undefined;
  const [events, nextIds] = await Promise.all([
    reader.timeline(sessionId, { limit: config.pageSize + 1, ...cursor }),
    reader.successors ? reader.successors(sessionId) : Promise.resolve(null),
  ]);
  const hasOlder = events.length > config.pageSize;
  const page = hasOlder ? events.slice(1) : events;
  const oldest = page[0];
  const firstSeen = Math.min(
    summary?.firstSeen ?? Number.POSITIVE_INFINITY,
    entry?.createdAt ?? Number.POSITIVE_INFINITY,
  );
  const ended = endOf(summary, page);
  const lastActive = summary ? await lastActiveOf(config, summary, ended, cursor ? undefined : page) : 0;
  const lastSeen = Math.max(lastActive, entry?.lastActivityAt ?? 0);
  const userId = entry?.userId ?? summary?.userId;
  const idleUntil = lastSeen + config.idleTimeout;
  return {
    sessionId,
    ...statusOf(ended, entry !== undefined, idleUntil <= config.now() ? idleUntil : null),
    firstSeen,
    lastSeen,
    durationMs: Math.max(0, lastSeen - firstSeen),
    user: userId === undefined ? null : { userId: cutText(userId, 200), linkedAt: entry?.linkedAt ?? null },
    device: entry?.device ?? null,
    ipPrefix: entry?.ipPrefix ?? null,
    previousId: previousOf(summary, page),
    nextIds: nextIds?.map((id) => cutText(id, 200)) ?? null,
    total: summary?.total ?? 0,
    counts: shownCounts(summary?.counts ?? {}),
    errors: (summary?.errors ?? []).map(errorView),
    timeline: {
      entries: page.map(entryView),
      older: hasOlder && oldest ? { before: oldest.at, beforeId: oldest.id } : null,
    },
    warnings,
  };
}
