// The support console of express-logical-session/support, typed as a strict app uses it: its options, a
// registry of its own, and the JSON answers read back; and the activity store's metrics().
import type { Request } from 'express';
import { SqlActivityStore, type ActivityMetrics, type MetricsOptions } from 'express-logical-session/activity';
import {
  supportRouter,
  type DeviceView,
  type OverviewView,
  type RegistryEntryView,
  type SessionErrorView,
  type SessionView,
  type SupportAction,
  type SupportAuthorize,
  type SupportDevice,
  type SupportLogger,
  type SupportRegistry,
  type SupportRegistryEntry,
  type SupportRequest,
  type SupportRouterOptions,
  type TimelineEntryView,
  type UserView,
} from 'express-logical-session/support';
import { app } from './app.js';

const store = new SqlActivityStore({ sqlite: ':memory:' });
const device: SupportDevice = { browser: 'Firefox', os: 'Linux', type: 'desktop', userAgent: 'Mozilla/5.0' };
const entries = new Map<string, SupportRegistryEntry>();
entries.set('3f2a', {
  sessionId: '3f2a',
  userId: 'grace',
  createdAt: 0,
  lastActivityAt: 0,
  linkedAt: 0,
  device,
  ipPrefix: '203.0.113.0/24',
});
const registry: SupportRegistry = {
  get: (sessionId) => entries.get(sessionId),
  list: async (userId) => Promise.resolve([...entries.values()].filter((entry) => entry.userId === userId)),
  revoke: (sessionId) => entries.delete(sessionId),
};

const readOnly = (action: SupportAction): boolean => action !== 'revoke';
const authorize: SupportAuthorize = (req: Request, { action, sessionId, userId }: SupportRequest) =>
  req.get('x-role') === 'support' && readOnly(action) && (sessionId ?? userId ?? '') !== 'blocked';
const logger: SupportLogger = { warn: (obj, msg) => console.warn(obj, msg) };
const options: SupportRouterOptions = {
  activity: store,
  registry,
  authorize,
  idleTimeout: '30m',
  pageSize: 100,
  logger,
};
app.use('/support', supportRouter(options));

export async function dayFigures(): Promise<number> {
  const period: MetricsOptions = { since: Date.now() - 86_400_000, idleTimeout: '30m' };
  const figures: ActivityMetrics = await store.metrics(period);
  const next: string[] = await store.successors('3f2a');
  return figures.peakConcurrent + (figures.medianDurationMs ?? 0) + next.length;
}

/** Reads the console's JSON answers with their documented types. */
export async function readConsole(base: string, id: string): Promise<string[]> {
  const headers = { accept: 'application/json', 'x-role': 'support' };
  const view = (await (await fetch(`${base}/support/sessions/${id}`, { headers })).json()) as SessionView;
  const errors: readonly SessionErrorView[] = view.errors;
  const events: readonly TimelineEntryView[] = view.timeline.entries;
  const shownDevice: DeviceView | null = view.device;
  const overview = (await (await fetch(`${base}/support/`, { headers })).json()) as OverviewView;
  const user = (await (await fetch(`${base}/support/sessions?user=grace`, { headers })).json()) as UserView;
  const first: RegistryEntryView | undefined = user.sessions[0];
  return [
    view.status,
    String(errors.length + events.length),
    shownDevice?.type ?? 'unknown',
    String(overview.last24h?.sessionsStarted ?? 0),
    first?.sessionId ?? 'none',
  ];
}
