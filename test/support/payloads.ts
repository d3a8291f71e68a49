import type { ActivityRecord } from '../../src/core/activity-types.js';
import { activity } from '../activity/records.js';
import { NOW } from './story.js';

/** Markup, attribute breakouts and script URLs, as attackers put them into User-Agents and form fields. */
export const PAYLOADS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  'javascript:alert(1)',
  '</pre></td></tr></table><script>alert(2)</script>',
  '<a href="javascript:alert(3)">click</a>',
  '`${alert(4)}`',
] as const;

/** Every payload in one string. */
export const ALL = PAYLOADS.join(' ');

/** A 100 KB User-Agent made of payloads. */
export const HUGE_USER_AGENT = `Mozilla/5.0 ${'<script>alert(5)</script>'.repeat(4200)}`;

/** A session ID made only of visible ASCII, so the console accepts it, yet hostile in HTML. */
export const HOSTILE_ID = '"><svg/onload=alert(6)>';
/** The session full of payloads. */
export const TARGET = 'aaaaaaaa-aaaa-8aaa-8aaa-aaaaaaaaaaaa';

/** Secrets under keys that look secret, at any depth and in any case; none may reach a page or a JSON answer. */
export const SECRETS = {
  password: 'hunter2-secret-value',
  Authorization: 'Bearer abc.def.ghi-secret-value',
  nested: { deeper: { api_key: 'k-secret-value', refreshToken: 't-secret-value' } },
  headers: { Cookie: 'connect.sid=s%3Acookie-secret-value', 'X-Client-Secret': 'cs-secret-value' },
  list: [{ accessToken: 'list-secret-value' }],
};

/** A payload in every field that reaches a page: types, detail keys and values, errors, the chain. */
export function hostileRecords(): ActivityRecord[] {
  const at = NOW - 10 * 60_000;
  return [
    activity(TARGET, 'session.start', { reason: ALL, previousId: PAYLOADS[1] }, at),
    activity(TARGET, 'session.user', { userId: PAYLOADS[0] }, at + 1),
    activity(
      TARGET,
      PAYLOADS[0],
      { [PAYLOADS[1]]: ALL, nested: { [PAYLOADS[2]]: [PAYLOADS[3], PAYLOADS[4]] } },
      at + 2,
    ),
    activity(TARGET, 'page.view', { userAgent: HUGE_USER_AGENT, href: PAYLOADS[3], ...SECRETS }, at + 3),
    activity(
      TARGET,
      'error',
      { status: PAYLOADS[1], message: ALL, method: PAYLOADS[2], route: PAYLOADS[0], requestId: PAYLOADS[4] },
      at + 4,
    ),
    activity(TARGET, 'error', { status: 500, message: HUGE_USER_AGENT, route: PAYLOADS[5] }, at + 5),
    activity(HOSTILE_ID, 'session.start', { reason: 'regenerate', previousId: TARGET }, at + 6),
    activity(HOSTILE_ID, 'error', { status: 500, message: ALL }, at + 7),
  ];
}

/** A registry entry for the target session with a payload in every field. */
export const HOSTILE_ENTRY = {
  sessionId: TARGET,
  userId: PAYLOADS[0],
  device: { browser: PAYLOADS[1], os: PAYLOADS[2], type: PAYLOADS[4], userAgent: HUGE_USER_AGENT },
  ipPrefix: PAYLOADS[3],
};

const ALLOWED_TAGS = new Set(
  'html head meta title style body nav a h1 h2 p dl dt dd code span time small br form button label input table thead tbody tr th td pre div'.split(
    ' ',
  ),
);

/**
 * What is wrong with a page, read without an HTML parser: once the console has escaped every `<` of the
 * data, each `<` left starts one of its own tags. So every tag must be one the templates use, no tag may
 * carry an event handler or a style, and every link must stay inside the console.
 */
export function markupProblems(page: string, base = '/support/'): string[] {
  const problems: string[] = [];
  for (const [tag, name = ''] of page.matchAll(/<\/?\s*([a-zA-Z][\w-]*)[^>]*>?/g)) {
    if (!ALLOWED_TAGS.has(name.toLowerCase())) problems.push(`unexpected tag ${tag.slice(0, 60)}`);
    if (/\son\w+\s*=/i.test(tag)) problems.push(`event handler in ${tag.slice(0, 60)}`);
    if (/\sstyle\s*=/i.test(tag)) problems.push(`style attribute in ${tag.slice(0, 60)}`);
  }
  for (const [, target = ''] of page.matchAll(/\s(?:href|action|src)\s*=\s*"([^"]*)"/gi)) {
    if (!target.startsWith(base)) problems.push(`link out of the console: ${target.slice(0, 60)}`);
  }
  if (/<!doctype html>/i.test(page) && (page.match(/<!/g) ?? []).length > 1) problems.push('a second <! declaration');
  return problems;
}
