import type {
  ActivityEntry,
  ActivityReader,
  SessionListItem,
  SessionSummary,
  TimelineOptions,
} from '../../src/activity/reader.js';
import type { ActivityRecord } from '../../src/core/activity-types.js';

/**
 * A reader as a team might write one over its own storage: the three required calls only (no metrics, no
 * successors, a summary without the chain fields), over records kept in memory. It also counts its calls.
 */
export function memoryReader(records: readonly ActivityRecord[]): ActivityReader & { calls: number } {
  const entries = records.map((record, index): ActivityEntry & { sessionId: string } => ({
    id: String(index + 1),
    eventId: record.eventId,
    sessionId: record.sessionId,
    type: record.type,
    details: record.details ?? null,
    at: record.at,
  }));
  const ordered = (sessionId: string) =>
    entries.filter((entry) => entry.sessionId === sessionId).sort((a, b) => a.at - b.at || Number(a.id) - Number(b.id));
  const reader = {
    calls: 0,
    timeline(sessionId: string, options: TimelineOptions = {}) {
      reader.calls++;
      const before = Number(options.before ?? Number.MAX_SAFE_INTEGER);
      const beforeId = options.beforeId === undefined ? Number.MAX_SAFE_INTEGER : Number(options.beforeId);
      const older = ordered(sessionId).filter((e) => e.at < before || (e.at === before && Number(e.id) < beforeId));
      return Promise.resolve(older.slice(-(options.limit ?? 100)));
    },
    summary(sessionId: string): Promise<SessionSummary | undefined> {
      reader.calls++;
      const all = ordered(sessionId);
      const first = all[0];
      const last = all.at(-1);
      if (!first || !last) return Promise.resolve(undefined);
      const counts: Record<string, number> = {};
      for (const entry of all) counts[entry.type] = (counts[entry.type] ?? 0) + 1;
      return Promise.resolve({
        sessionId,
        firstSeen: first.at,
        lastSeen: last.at,
        durationMs: last.at - first.at,
        total: all.length,
        counts,
        errors: all.filter((entry) => entry.type === 'error'),
      });
    },
    sessions(): Promise<SessionListItem[]> {
      reader.calls++;
      return Promise.resolve([]);
    },
  };
  return reader;
}
