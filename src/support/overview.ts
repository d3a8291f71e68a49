import type { ActivityMetrics } from '../activity/reader.js';
import { cutText, shownCounts } from './masking.js';
import type { SupportConfiguration } from './options.js';

/**
 * The console's front page as JSON: the figures of the last 24 hours and 7 days (`null` when the activity
 * reader has no `metrics()`), and the latest sessions with errors.
 *
 * @example
 * ```ts
 * const { last24h, recentErrors } = (await (await fetch('/support/', { headers: { accept: 'application/json' } })).json()) as OverviewView;
 * ```
 */
export interface OverviewView {
  readonly generatedAt: number;
  readonly last24h: ActivityMetrics | null;
  readonly last7d: ActivityMetrics | null;
  /** Sessions with an error in the last 7 days, most recently seen first (at most 10). */
  readonly recentErrors: readonly { readonly sessionId: string; readonly lastSeen: number; readonly errors: number }[];
}

const DAY = 86_400_000;
const RECENT_ERRORS = 10;

async function metricsOf(config: SupportConfiguration, since: number, until: number): Promise<ActivityMetrics | null> {
  const { activity } = config;
  if (!activity.metrics) return null;
  const figures = await activity.metrics({ since, until, idleTimeout: config.idleTimeout });
  return { ...figures, counts: shownCounts(figures.counts) };
}

/** The overview, computed now. */
export async function buildOverview(config: SupportConfiguration): Promise<OverviewView> {
  const now = config.now();
  const [last24h, last7d, sessions] = await Promise.all([
    metricsOf(config, now - DAY, now),
    metricsOf(config, now - 7 * DAY, now),
    config.activity.sessions({ since: now - 7 * DAY, limit: RECENT_ERRORS, withErrors: true }),
  ]);
  // A reader that ignores `withErrors` returns sessions without errors too; they are left out here.
  const recentErrors = sessions
    .filter((session) => session.errors > 0)
    .map((session) => ({
      sessionId: cutText(session.sessionId, 200),
      lastSeen: session.lastSeen,
      errors: session.errors,
    }));
  return { generatedAt: now, last24h, last7d, recentErrors };
}
