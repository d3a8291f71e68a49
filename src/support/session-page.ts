import { formatDuration, timeHtml } from './format.js';
import { html, type SafeHtml } from './html.js';
import { page, table } from './layout.js';
import type { ConsolePaths } from './paths.js';
import type { DeviceView } from './registry-entry.js';
import type { SessionErrorView, SessionView, TimelineEntryView } from './session-view.js';

/** What a session page needs beyond the view. */
export interface SessionPageContext {
  readonly paths: ConsolePaths;
  readonly now: number;
  /** Whether this page is an older page of the timeline (it then links back to the latest). */
  readonly paged: boolean;
  /** Whether a registry is configured: user pages and revoking need one. */
  readonly hasRegistry: boolean;
}

/** A session ID as a link when it is one the console can open, else as text. */
export function sessionLink(paths: ConsolePaths, sessionId: string): SafeHtml {
  const href = paths.session(sessionId);
  const id = html`<code class="id">${sessionId}</code>`;
  return href === undefined ? id : html`<a href="${href}">${id}</a>`;
}

function statusLine(view: SessionView, now: number): SafeHtml {
  if (view.status === 'ended') return html`ended (${view.endReason}) at ${timeHtml(view.endedAt, now)}`;
  if (view.status === 'expired') {
    return html`expired ${timeHtml(view.endedAt, now)}
      <small>(inferred: no end was recorded, and nothing happened for longer than the idle timeout)</small>`;
  }
  return html`active`;
}

function deviceLine(device: DeviceView | null): SafeHtml {
  if (device === null) return html`<span class="muted">unknown</span>`;
  const family = [device.browser, device.os].filter((part) => part !== null).join(' on ');
  return html`${family === '' ? 'unknown browser' : family} (${device.type})<br /><small>${device.userAgent}</small>`;
}

function nextLine(view: SessionView, paths: ConsolePaths): SafeHtml {
  if (view.nextIds === null) return html`<span class="muted">not known by this activity reader</span>`;
  if (view.nextIds.length === 0) return html`<span class="muted">none</span>`;
  return html`${view.nextIds.map((id, index) => html`${index > 0 ? ', ' : ''}${sessionLink(paths, id)}`)}`;
}

function userLink(userId: string, context: SessionPageContext): SafeHtml {
  const id = html`<code>${userId}</code>`;
  return context.hasRegistry ? html`<a href="${context.paths.user(userId)}">${id}</a>` : id;
}

function facts(view: SessionView, context: SessionPageContext): SafeHtml {
  const { paths, now } = context;
  const user = view.user;
  return html`<dl>
    <dt>Status</dt>
    <dd>${statusLine(view, now)}</dd>
    <dt>First seen</dt>
    <dd>${timeHtml(view.firstSeen, now)}</dd>
    <dt>Last seen</dt>
    <dd>${timeHtml(view.lastSeen, now)}</dd>
    <dt>Duration</dt>
    <dd>${formatDuration(view.durationMs)}</dd>
    <dt>User</dt>
    <dd>
      ${
        user === null
          ? html`<span class="muted">not linked</span>`
          : html`${userLink(user.userId, context)}${
              user.linkedAt === null ? '' : html` <small>linked ${timeHtml(user.linkedAt, now)}</small>`
            }`
      }
    </dd>
    <dt>Device</dt>
    <dd>${deviceLine(view.device)}</dd>
    <dt>Network</dt>
    <dd>${view.ipPrefix ?? html`<span class="muted">unknown</span>`}</dd>
    <dt>Previous session</dt>
    <dd>${view.previousId === null ? html`<span class="muted">none</span>` : sessionLink(paths, view.previousId)}</dd>
    <dt>Next session</dt>
    <dd>${nextLine(view, paths)}</dd>
  </dl>`;
}

function errorRow(error: SessionErrorView, now: number): SafeHtml {
  return html`<tr>
    <td>${timeHtml(error.at, now)}</td>
    <td class="n error">${error.status ?? ''}</td>
    <td>${error.method ?? ''}</td>
    <td><code>${error.route ?? ''}</code></td>
    <td><code>${error.requestId ?? ''}</code></td>
    <td>${error.message ?? ''}</td>
  </tr>`;
}

function errors(view: SessionView, now: number): SafeHtml {
  if (view.errors.length === 0)
    return html`<h2>Errors</h2>
      <p class="muted">No error was recorded.</p>`;
  return html`<h2>Errors (${view.errors.length})</h2>
    ${table(
      ['Time', { numeric: 'Status' }, 'Method', 'Route', 'Request ID', 'Message'],
      view.errors.map((error) => errorRow(error, now)),
    )}`;
}

function counts(view: SessionView): SafeHtml {
  const rows = Object.entries(view.counts).map(
    ([type, count]) =>
      html`<tr>
        <td><code>${type}</code></td>
        <td class="n">${count}</td>
      </tr>`,
  );
  return html`<h2>Events by type (${view.total})</h2>
    ${table(['Type', { numeric: 'Count' }], rows, 'figures')}`;
}

function entryRow(entry: TimelineEntryView, now: number): SafeHtml {
  const details = entry.details === null ? '' : JSON.stringify(entry.details, null, 2);
  return html`<tr>
    <td>${timeHtml(entry.at, now)}</td>
    <td><code class="${entry.type === 'error' ? 'error' : ''}">${entry.type}</code></td>
    <td><pre>${details}</pre></td>
  </tr>`;
}

function pager(view: SessionView, context: SessionPageContext): SafeHtml {
  const older = view.timeline.older;
  const latest = context.paged ? html`<a href="${context.paths.session(view.sessionId)}">Latest events</a>` : '';
  const back = older === null ? '' : html`<a href="${context.paths.session(view.sessionId, older)}">Older events</a>`;
  return html`<div class="pager">${back}${latest}</div>`;
}

function timeline(view: SessionView, context: SessionPageContext): SafeHtml {
  const entries = view.timeline.entries;
  return html`<h2>Timeline</h2>
    ${pager(view, context)}
    ${table(
      ['Time', 'Type', 'Details'],
      entries.map((entry) => entryRow(entry, context.now)),
    )}
    ${pager(view, context)}`;
}

function revokeForm(view: SessionView, context: SessionPageContext): SafeHtml | '' {
  if (!context.hasRegistry || view.status !== 'active') return '';
  return html`<form method="post" action="${context.paths.revoke(view.sessionId)}">
    <button type="submit">Revoke this session</button>
  </form>`;
}

/** The page of one session. */
export function sessionPage(view: SessionView, context: SessionPageContext): SafeHtml {
  const warnings = view.warnings.map((warning) => html`<p class="expired">${warning}</p>`);
  return page(
    `Session ${view.sessionId}`,
    context.paths,
    html`<h1>
        Session <code class="id">${view.sessionId}</code> <span class="status ${view.status}">${view.status}</span>
      </h1>
      ${warnings} ${facts(view, context)} ${revokeForm(view, context)} ${errors(view, context.now)} ${counts(view)}
      ${timeline(view, context)}`,
  );
}
