import type { ActivityMetrics } from '../activity/reader.js';
import { formatDuration, timeHtml } from './format.js';
import { html, type SafeHtml } from './html.js';
import { page, table } from './layout.js';
import type { OverviewView } from './overview.js';
import type { ConsolePaths } from './paths.js';
import { sessionLink } from './session-page.js';

type Figure = (metrics: ActivityMetrics) => string | number;
const duration = (ms: number | null): string => (ms === null ? '–' : formatDuration(ms));
// Own properties only: a type named "constructor" must not read Object.prototype.constructor.
const countOf = (counts: Readonly<Record<string, number>>, type: string): number =>
  Object.hasOwn(counts, type) ? (counts[type] ?? 0) : 0;

const FIGURES: readonly (readonly [string, Figure])[] = [
  ['Sessions started', (m) => m.sessionsStarted],
  ['Sessions seen', (m) => m.sessionsSeen],
  ['Active now', (m) => m.activeAtEnd],
  ['Peak concurrent', (m) => m.peakConcurrent],
  ['Median duration', (m) => duration(m.medianDurationMs)],
  ['Mean duration', (m) => duration(m.meanDurationMs)],
  ['Unique users', (m) => m.uniqueUsers],
];

function lookupForms(paths: ConsolePaths, hasRegistry: boolean): SafeHtml {
  const user = hasRegistry
    ? html`<form class="lookup" method="get" action="${paths.lookup}">
        <label for="user">User ID</label> <input type="text" id="user" name="user" maxlength="200" required />
        <button type="submit">List sessions</button>
      </form>`
    : '';
  return html`<form class="lookup" method="get" action="${paths.lookup}">
      <label for="id">Session ID</label>
      <input
        type="text"
        id="id"
        name="id"
        maxlength="200"
        required
        autofocus
        placeholder="paste the ID from the error page"
        spellcheck="false"
        autocomplete="off"
      />
      <button type="submit">Open</button>
    </form>
    ${user}`;
}

function figures(view: OverviewView): SafeHtml {
  const { last24h, last7d } = view;
  if (last24h === null || last7d === null) {
    return html`<p class="muted">This activity reader has no metrics().</p>`;
  }
  const rows = FIGURES.map(
    ([label, figure]) =>
      html`<tr>
        <th>${label}</th>
        <td class="n">${figure(last24h)}</td>
        <td class="n">${figure(last7d)}</td>
      </tr>`,
  );
  const types = [...new Set([...Object.keys(last7d.counts), ...Object.keys(last24h.counts)])].map(
    (type) =>
      html`<tr>
        <td><code>${type}</code></td>
        <td class="n">${countOf(last24h.counts, type)}</td>
        <td class="n">${countOf(last7d.counts, type)}</td>
      </tr>`,
  );
  return html`${table(['', { numeric: 'Last 24 hours' }, { numeric: 'Last 7 days' }], rows, 'figures')}
    <h2>Events by type</h2>
    ${table(['Type', { numeric: 'Last 24 hours' }, { numeric: 'Last 7 days' }], types, 'figures')}`;
}

function recentErrors(view: OverviewView, paths: ConsolePaths): SafeHtml {
  if (view.recentErrors.length === 0) return html`<p class="muted">No session had an error in the last 7 days.</p>`;
  const rows = view.recentErrors.map(
    (session) =>
      html`<tr>
        <td>${sessionLink(paths, session.sessionId)}</td>
        <td class="n error">${session.errors}</td>
        <td>${timeHtml(session.lastSeen, view.generatedAt)}</td>
      </tr>`,
  );
  return table(['Session', { numeric: 'Errors' }, 'Last seen'], rows);
}

/** The front page: the lookup field above the overview. */
export function overviewPage(view: OverviewView, paths: ConsolePaths, hasRegistry: boolean): SafeHtml {
  return page(
    'Overview',
    paths,
    html`<h1>Support console</h1>
      ${lookupForms(paths, hasRegistry)}
      <h2>Overview</h2>
      ${figures(view)}
      <h2>Recent sessions with errors</h2>
      ${recentErrors(view, paths)}`,
  );
}
