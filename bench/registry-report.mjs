// The registry's part of RESULTS.md: app H (C + redisRegistry(), every logged-in session linked) against C and A.
import { fmt, pairedRatios, storeName, withSpread } from './stats.mjs';

export function registrySection(sums) {
  const out = ['', '## The registry (H against C and A, same run)', ''];
  out.push(
    'H is C with `redisRegistry()` from `express-logical-session/registry` on the same Redis, every logged-in session linked at login. The revocation check on each request answers from memory, so between touches H should cost Redis exactly what C costs. Goal: CPU per request of H within 1.10 of A on Redis.',
    '',
  );
  out.push(
    '| Store | Traffic | CPU µs/req A · C · H | CPU/req H/C | CPU/req H/A | Redis cmds/req C · H |',
    '|---|---|--:|--:|--:|--:|',
  );
  for (const s of sums) {
    if (!s.rows.H || !s.rows.C) continue;
    const ratio = (base) => withSpread(pairedRatios(s, 'H', base, 'cpuPerReq'));
    const cpu = ['A', 'C', 'H'].map((v) => fmt(s.rows[v]?.cpu, 1)).join(' · ');
    const cmds = ['C', 'H'].map((v) => fmt(s.rows[v]?.redisCmds, 2)).join(' · ');
    out.push(
      `| ${storeName(s.store)} | ${s.traffic === 'steady' ? 'steady' : 'new visitor'} | ${cpu} | ${ratio('C')} | ${s.rows.A ? ratio('A') : '–'} | ${cmds} |`,
    );
  }
  const latency = sums.find((s) => s.rows.H?.registryLatency)?.rows.H.registryLatency;
  if (latency) {
    out.push(
      '',
      `Registry calls, measured in the app after the rounds (the app's own Redis, loopback): \`linkUser\` p50 ${fmt(latency.link.p50, 2)} ms, p99 ${fmt(latency.link.p99, 2)} ms (${latency.link.n} logins); \`registry.list(userId)\` p50 ${fmt(latency.list.p50, 2)} ms, p99 ${fmt(latency.list.p99, 2)} ms (${latency.list.n} calls).`,
    );
  }
  return out;
}
