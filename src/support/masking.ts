/**
 * What the console shows of stored values: secrets masked, long text cut, big or deep structures bounded,
 * so one hostile record (a 100 KB User-Agent, a 10,000-key object) cannot flood the page or leak a token.
 * The JSON answers get the same copy as the HTML.
 */

/** Keys whose values are never shown, at any depth, whatever their case. */
const SECRET_KEY = /passw(or)?d|secret|token|authori[sz]ation|cookie|api[-_]?key|credential|private[-_]?key/i;

/** What replaces a secret value. */
export const MASKED = '[masked]';

const MAX_TEXT = 300;
const MAX_KEY = 80;
const MAX_ENTRIES = 40;
const MAX_DEPTH = 6;
const MAX_VALUES = 400;

/** Whether a key looks like it holds a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** `text` cut to `max` UTF-16 units (never inside a surrogate pair), saying how much was left out. */
export function cutText(text: string, max = MAX_TEXT): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, end)}… [${text.length - end} more characters]`;
}

interface Budget {
  values: number;
}

function maskValue(value: unknown, depth: number, budget: Budget): unknown {
  budget.values++;
  if (typeof value === 'string') return cutText(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'bigint') return `${value.toString()}n`;
  if (typeof value !== 'object') return `[${typeof value}]`;
  if (depth >= MAX_DEPTH || budget.values > MAX_VALUES) return '[more]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ENTRIES).map((item: unknown) => maskValue(item, depth + 1, budget));
    return value.length > MAX_ENTRIES ? [...items, `[${value.length - MAX_ENTRIES} more items]`] : items;
  }
  const entries = Object.entries(value);
  const kept = entries.slice(0, MAX_ENTRIES).map(([key, item]): [string, unknown] => {
    const shownKey = cutText(key, MAX_KEY);
    return [shownKey, isSecretKey(key) ? MASKED : maskValue(item, depth + 1, budget)];
  });
  if (entries.length > MAX_ENTRIES) kept.push(['[more keys]', entries.length - MAX_ENTRIES]);
  // fromEntries defines own properties: a "__proto__" key stays data.
  return Object.fromEntries(kept);
}

/** The shown copy of stored details: JSON-safe, masked, cut and bounded. */
export function maskDetails(details: unknown): unknown {
  try {
    return maskValue(details, 0, { values: 0 });
  } catch {
    // A reader a team wrote may hand back anything, a throwing getter or Proxy included.
    return '[unreadable]';
  }
}

const MAX_TYPES = 100;

/** Counts by type as shown: at most 100 types, each name cut. */
export function shownCounts(counts: Readonly<Record<string, unknown>>): Record<string, number> {
  const shown = Object.entries(counts).slice(0, MAX_TYPES);
  return Object.fromEntries(shown.map(([type, count]) => [cutText(type, 100), Number(count)]));
}
