import { storableString, truncateString } from './serialize.js';
import type { CountRow, EntryRow, MetricsRow, TypeCountRow } from './sql-backend.js';
import type { ActivityEntry, ActivityMetrics } from './reader.js';

// Bounded so one bad caller cannot bloat the index, which every query of the table walks.
const MAX_KEY_LENGTH = 200;

/** A session ID, type or event ID as it is stored: text, cut to the key length, storable everywhere. */
export function keyText(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : String(value);
  } catch {
    text = '[unprintable]';
  }
  return storableString(truncateString(text, MAX_KEY_LENGTH));
}

function parseDetails(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw ?? null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return { unreadable: raw.slice(0, 200) };
  }
}

/** A row as the reader returns it. */
export function toEntry(row: EntryRow): ActivityEntry {
  return {
    id: row.row_id,
    eventId: row.event_id,
    type: row.activity_type,
    details: parseDetails(row.details),
    at: Number(row.at),
  };
}

/** A string-valued key of an entry's details, or `undefined`. */
export function detailOf(entry: ActivityEntry | undefined, key: string): string | undefined {
  const details = entry?.details;
  if (typeof details !== 'object' || details === null) return undefined;
  const value = (details as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

// fromEntries defines own properties, so a type named "__proto__" stays a count, not a prototype.
const countsOf = (list: readonly (readonly [string, number])[]): Record<string, number> => Object.fromEntries(list);

/** Counts by type, per session. */
export function countsBySession(rows: readonly CountRow[]): Map<string, Record<string, number>> {
  const bySession = new Map<string, [string, number][]>();
  for (const row of rows) {
    const list = bySession.get(row.session_id) ?? [];
    list.push([row.activity_type, Number(row.count)]);
    bySession.set(row.session_id, list);
  }
  return new Map([...bySession].map(([id, list]) => [id, countsOf(list)]));
}

const numberOrNull = (value: number | string | null): number | null => (value === null ? null : Number(value));

/** The figures of a period, from the metrics row and its type counts. */
export function toMetrics(
  period: { readonly since: number; readonly until: number },
  row: MetricsRow,
  types: readonly TypeCountRow[],
): ActivityMetrics {
  const median = numberOrNull(row.median_duration);
  const mean = numberOrNull(row.mean_duration);
  return {
    since: period.since,
    until: period.until,
    sessionsStarted: Number(row.sessions_started),
    sessionsSeen: Number(row.sessions_seen),
    activeAtEnd: Number(row.active_at_end),
    medianDurationMs: median === null ? null : Math.round(median),
    meanDurationMs: mean === null ? null : Math.round(mean),
    uniqueUsers: Number(row.unique_users),
    peakConcurrent: Number(row.peak_concurrent),
    counts: countsOf(types.map((type) => [type.activity_type, Number(type.count)] as const)),
  };
}
