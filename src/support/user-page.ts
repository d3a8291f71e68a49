import { timeHtml } from './format.js';
import { html, type SafeHtml } from './html.js';
import { page, table } from './layout.js';
import type { ConsolePaths } from './paths.js';
import type { RegistryEntryView } from './registry-entry.js';
import { sessionLink } from './session-page.js';

/**
 * A user's live sessions as JSON (`GET /sessions?user=<id>`), most recently active first.
 *
 * @example
 * ```ts
 * { userId: 'u42', sessions: [{ sessionId: '3f2a…', createdAt: 1732252800000, lastActivityAt: 1732253400000,
 *   linkedAt: 1732252860000, device: { browser: 'Firefox', os: 'Linux', type: 'desktop', userAgent: '…' }, ipPrefix: '203.0.113.0/24' }] }
 * ```
 */
export interface UserView {
  readonly userId: string;
  readonly sessions: readonly RegistryEntryView[];
}

function sessionRow(entry: RegistryEntryView, paths: ConsolePaths, now: number): SafeHtml {
  const device = entry.device;
  const family = device === null ? 'unknown' : [device.browser, device.os].filter((part) => part !== null).join(' on ');
  return html`<tr>
    <td>${sessionLink(paths, entry.sessionId)}</td>
    <td>${family} ${device === null ? '' : html`(${device.type})<br /><small>${device.userAgent}</small>`}</td>
    <td>${entry.ipPrefix ?? ''}</td>
    <td>${timeHtml(entry.createdAt, now)}</td>
    <td>${timeHtml(entry.lastActivityAt, now)}</td>
    <td>
      <form class="inline" method="post" action="${paths.revoke(entry.sessionId)}">
        <button type="submit">Revoke</button>
      </form>
    </td>
  </tr>`;
}

/** The page of one user's live sessions, each with a revoke button. */
export function userPage(view: UserView, paths: ConsolePaths, now: number): SafeHtml {
  const body =
    view.sessions.length === 0
      ? html`<p class="muted">This user has no live session.</p>`
      : table(
          ['Session', 'Device', 'Network', 'Started', 'Last activity', ''],
          view.sessions.map((entry) => sessionRow(entry, paths, now)),
        );
  return page(
    `User ${view.userId}`,
    paths,
    html`<h1>User <code class="id">${view.userId}</code></h1>
      <p>${view.sessions.length} live session${view.sessions.length === 1 ? '' : 's'}, most recently active first.</p>
      ${body}`,
  );
}
