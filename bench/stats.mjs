// The figures every section of RESULTS.md shares: quantiles, paired ratios, formatting, store names.
/** Quantile with linear interpolation; q = 0.5 is the median. */
export const quantile = (xs, q) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
};
export const median = (xs) => quantile(xs, 0.5);
export const sum = (rounds, key) => rounds.reduce((n, r) => n + r[key], 0);
export const fmt = (x, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
/** The per-round ratios of app `v` to app `base` for `key` (paired rounds, so drift cancels out). */
export const pairedRatios = (scenario, v, base, key) => {
  const run = scenario.runs.get(v);
  const against = scenario.runs.get(base);
  return run && against ? run.rounds.map((r, i) => r[key] / against.rounds[i][key]) : [];
};
/** The 25th-75th percentile of the per-round ratios, `a–b`: how far to trust their median. */
export const interquartile = (xs) => `${fmt(quantile(xs, 0.25), 2)}–${fmt(quantile(xs, 0.75), 2)}`;
/** A median ratio with its interquartile range. */
export const withSpread = (xs) => (xs.length ? `${fmt(median(xs), 3)} (${interquartile(xs)})` : '–');

const STORE_NAMES = { memory: 'MemoryStore', redis: 'Redis', sqlite: 'SQLite', 'sqlite-filled': 'SQLite, filled' };
export function storeName(store) {
  return STORE_NAMES[store] ?? store;
}
