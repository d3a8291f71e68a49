// How cost grows, in RESULTS.md: A and C with more and more live sessions in the store, and the heap of
// each after 100,000 new visitors.
import { fmt, median, pairedRatios, storeName, withSpread } from './stats.mjs';

const MB = 2 ** 20;
const count = (n) => n.toLocaleString('en-US');
const cpuOf = (scenario, v) => median(scenario.runs.get(v).rounds.map((r) => r.cpuPerReq));

export function growthSection(growth, cfg) {
  if (!growth.length) return [];
  const sizes = [...new Set(growth.map((s) => s.live))];
  const out = ['', '## How cost grows with the live sessions in the store (A and C, same run)', ''];
  out.push(
    `Each store is filled with ${sizes.map(count).join(', ')} other live sessions (each a copy of one the app itself stored) before the warm-up; then ${cfg.growthRounds} rounds of A and C as above. ` +
      'New visitors: the sessions the rounds stored are removed after each round, the filled ones stay. ' +
      'A flat row means no per-request cost grows with the number of sessions.',
    '',
  );
  out.push(
    `| Store | Traffic | CPU µs/req A (${sizes.map(count).join(' · ')}) | CPU µs/req C (same order) | CPU/req C/A (same order, IQR) |`,
    '|---|---|--:|--:|--:|',
  );
  for (const store of [...new Set(growth.map((s) => s.store))]) {
    for (const traffic of ['steady', 'new']) {
      const row = sizes.map((live) =>
        growth.find((s) => s.store === store && s.traffic === traffic && s.live === live),
      );
      if (row.some((s) => s === undefined)) continue;
      const cpu = (v) => row.map((s) => fmt(cpuOf(s, v), 1)).join(' · ');
      const ratios = row.map((s) => withSpread(pairedRatios(s, 'C', 'A', 'cpuPerReq'))).join(' · ');
      out.push(
        `| ${storeName(store)} | ${traffic === 'steady' ? 'steady' : 'new visitor'} | ${cpu('A')} | ${cpu('C')} | ${ratios} |`,
      );
    }
  }
  return out;
}

/** Heap after a full GC, per app, after the warm-up and after each half of the visitors. */
export function memorySection(memory) {
  if (!memory) return [];
  const { visitors, byApp } = memory;
  const out = ['', `## The library's memory after ${count(visitors)} new visitors (A and C, MemoryStore)`, ''];
  out.push(
    'Each app starts with `--expose-gc`, is warmed up, then serves the new visitors in two halves; after each step the store is emptied and the heap read after a full collection. ' +
      "The library's per-process memories are bounded (`firedEvents` and `recentWrites` keep 10,000–20,000 recent keys each, `src/core/runtime.ts`), so C's heap should stop growing once they are full: " +
      'its second half should add nothing.',
    '',
  );
  const steps = byApp.A.map((p) => count(p.visitors));
  out.push(
    `| App | heap MB after ${steps.join(' · ')} visitors | second half adds | C − A after the last |`,
    '|---|--:|--:|--:|',
  );
  for (const [v, points] of Object.entries(byApp)) {
    const last = points.at(-1).heapUsed;
    const half = last - points.at(-2).heapUsed;
    const vsA = v === 'A' ? '–' : `${fmt((last - byApp.A.at(-1).heapUsed) / MB, 1)} MB`;
    out.push(
      `| ${v === 'A' ? 'A express-session' : 'C logicalSession()'} | ${points.map((p) => fmt(p.heapUsed / MB, 1)).join(' · ')} | ${fmt(half / MB, 2)} MB | ${vsA} |`,
    );
  }
  const bad = Object.values(byApp)
    .flat()
    .reduce((n, p) => n + (p.bad ?? 0), 0);
  if (bad) out.push('', `${bad} of the visitors' requests failed or timed out.`);
  return out;
}

/**
 * The growth lines of the goals: C/A with the most live sessions against the fewest (paired within each
 * run, as the two runs are minutes apart on a drifting machine), and C's heap across the two halves.
 */
export function growthGoals(growth, memory) {
  const lines = [];
  const verdict = (ok) => (ok ? 'met' : '**missed**');
  const sizes = [...new Set(growth.map((s) => s.live))];
  if (sizes.length > 1) {
    const [small, large] = [sizes[0], sizes.at(-1)];
    const grown = [];
    for (const s of growth.filter((g) => g.live === large)) {
      const base = growth.find((g) => g.store === s.store && g.traffic === s.traffic && g.live === small);
      if (!base) continue;
      const ratio = median(pairedRatios(s, 'C', 'A', 'cpuPerReq')) / median(pairedRatios(base, 'C', 'A', 'cpuPerReq'));
      grown.push(`${storeName(s.store)} ${s.traffic === 'steady' ? 'steady' : 'new visitors'} ${fmt(ratio, 2)}`);
    }
    lines.push(
      `- What C adds does not grow with the store: C/A with ${count(large)} live sessions divided by C/A with ${count(small)}: ${grown.join(', ')} (1 is flat; compare with the IQRs of the growth table, which show this machine's noise).`,
    );
  }
  if (memory?.byApp.C) {
    const points = memory.byApp.C;
    const half = (points.at(-1).heapUsed - points.at(-2).heapUsed) / MB;
    lines.push(
      `- The library's memory does not grow with traffic: C's heap after ${count(points.at(-1).visitors)} new visitors against after ${count(points.at(-2).visitors)}: ${half >= 0 ? '+' : ''}${fmt(half, 2)} MB (at most 1 MB: ${verdict(half <= 1)}).`,
    );
  }
  return lines;
}
