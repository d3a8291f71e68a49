import type { LinkOutcome, StoredEntry } from './backend.js';
import type { SessionSignal, SessionSignalType } from './types.js';

function signal(
  type: SessionSignalType,
  entry: StoredEntry,
  at: number,
  extra: Partial<SessionSignal> = {},
): SessionSignal {
  return {
    type,
    sessionId: entry.sessionId,
    userId: entry.userId,
    at,
    device: entry.device,
    ipPrefix: entry.ipPrefix,
    ...extra,
  };
}

const pairOf = (entry: StoredEntry): string => `${entry.device.browser ?? '?'}\0${entry.device.os ?? '?'}`;

/** A second browser family on one logical session. */
export function deviceChanged(
  before: StoredEntry | undefined,
  now: StoredEntry,
  at: number,
): SessionSignal | undefined {
  const previousBrowser = before?.device.browser;
  const browser = now.device.browser;
  if (previousBrowser === undefined || browser === undefined || previousBrowser === browser) return undefined;
  return signal('device-changed', now, at, { previousBrowser });
}

/**
 * The signals of a login. `new-device` and `new-network` compare with the user's other live sessions, so a user
 * with none (a first login) gets neither: there is nothing to compare with.
 */
export function linkSignals(
  entry: StoredEntry,
  outcome: LinkOutcome,
  limit: number | undefined,
  at: number,
): SessionSignal[] {
  const signals: SessionSignal[] = [];
  const changed = deviceChanged(outcome.previous, entry, at);
  if (changed) signals.push(changed);
  const { others, previous } = outcome;
  if (others.length > 0) {
    const pair = pairOf(entry);
    if (previous === undefined && !others.some((other) => pairOf(other) === pair))
      signals.push(signal('new-device', entry, at));
    const prefix = entry.ipPrefix;
    const known = (candidate: StoredEntry | undefined): boolean => candidate?.ipPrefix === prefix;
    if (prefix !== undefined && !known(previous) && !others.some(known)) signals.push(signal('new-network', entry, at));
  }
  const sessions = others.length + 1;
  if (limit !== undefined && sessions > limit) signals.push(signal('many-sessions', entry, at, { sessions }));
  return signals;
}
