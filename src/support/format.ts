import { html, type SafeHtml } from './html.js';

const UNITS: readonly (readonly [string, number])[] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1000],
];

/** A length of time in at most two units: `2 h 5 min`, `42 s`, `0 s`. */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(ms));
  for (const [unit, size] of UNITS) {
    if (rest >= size || (unit === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** `3 min ago`, `in 12 min`, `just now`. */
export function formatRelative(at: number, now: number): string {
  const delta = now - at;
  if (Math.abs(delta) < 1000) return 'just now';
  const text = formatDuration(Math.abs(delta)).split(' ').slice(0, 2).join(' ');
  return delta > 0 ? `${text} ago` : `in ${text}`;
}

/** ISO 8601 in UTC to the second, or `invalid time` for a value a reader should not have returned. */
export function isoTime(at: number): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? 'invalid time' : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A timestamp as a support person reads it: ISO UTC, then how long ago. */
export function timeHtml(at: number | null | undefined, now: number): SafeHtml {
  if (at === null || at === undefined) return html`<span class="muted">unknown</span>`;
  return html`<time datetime="${isoTime(at)}">${isoTime(at).replace('T', ' ')}</time>
    <small>${formatRelative(at, now)}</small>`;
}
