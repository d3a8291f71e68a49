import type { ActivityRecord } from '../../src/core/activity-types.js';
import { activity } from '../activity/records.js';

/** The console's clock in these tests. */
export const NOW = Date.UTC(2026, 2, 1, 12);
const MIN = 60_000;

/** Four sessions: a chain S0 → S1 → S2 (regenerated, then rotated after idling), and S3 left to expire. */
export const S0 = '00000000-0000-8000-8000-000000000000';
export const S1 = '11111111-1111-8111-8111-111111111111';
export const S2 = '22222222-2222-8222-8222-222222222222';
export const S3 = '33333333-3333-8333-8333-333333333333';
export const UNKNOWN = '99999999-9999-8999-8999-999999999999';

/** S1's page views: 120 of them, three per millisecond, so timeline pages split a millisecond. */
export const S1_VIEWS = 120;
const S1_START = NOW - 4 * 60 * MIN;

export function story(): ActivityRecord[] {
  const views = Array.from({ length: S1_VIEWS }, (_, i) =>
    activity(S1, 'page.view', { path: `/p/${i}`, i }, S1_START + 2 * MIN + Math.floor(i / 3)),
  );
  return [
    activity(S0, 'session.start', { reason: 'new' }, NOW - 5 * 60 * MIN),
    activity(S0, 'session.end', { reason: 'regenerate' }, S1_START),
    activity(S1, 'session.start', { reason: 'regenerate', previousId: S0 }, S1_START),
    activity(S1, 'session.user', { userId: 'u1' }, S1_START + MIN),
    ...views,
    activity(
      S1,
      'error',
      { status: 500, message: 'Internal Server Error', method: 'POST', route: '/upload', requestId: 'req-7' },
      S1_START + 10 * MIN,
    ),
    activity(S1, 'error', { status: 404, message: 'Not Found' }, S1_START + 11 * MIN),
    activity(S1, 'session.end', { reason: 'idle-timeout' }, NOW - 30 * MIN),
    activity(S2, 'session.start', { reason: 'idle-timeout', previousId: S1 }, NOW - 30 * MIN),
    activity(S2, 'upload', { file: 'a.pdf', password: 'hunter2', nested: { apiKey: 'k', token: 't' } }, NOW - 5 * MIN),
    activity(S3, 'session.start', { reason: 'new' }, NOW - 3 * 60 * MIN),
    activity(S3, 'page.view', { path: '/' }, NOW - 2 * 60 * MIN),
  ];
}
