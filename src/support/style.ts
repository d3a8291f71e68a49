import { createHash } from 'node:crypto';
import { SafeHtml } from './html.js';

// The console's only style: one <style> element allowed by its hash, so the CSP needs no 'unsafe-inline'
// and no attribute anywhere may carry a style.
const STYLE = `
:root { color-scheme: light dark; --muted: #6b7280; --line: #d1d5db; --bad: #b91c1c; --ok: #15803d; --warn: #a16207; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.3rem; margin: .5rem 0 1rem; } h2 { font-size: 1.05rem; margin: 1.75rem 0 .5rem; }
a { color: #2563eb; } nav { margin-bottom: .5rem; } nav a { margin-right: 1rem; }
code, pre, .id { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
.id { user-select: all; background: rgba(127, 127, 127, .12); padding: .1rem .35rem; border-radius: .25rem; white-space: nowrap; }
h1 .id { white-space: normal; word-break: break-all; } time, time + small { white-space: nowrap; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; max-height: 16rem; overflow: auto; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: .35rem .6rem; border-bottom: 1px solid var(--line); }
th { font-weight: 600; white-space: nowrap; } .n { text-align: right; font-variant-numeric: tabular-nums; }
table.figures { width: auto; min-width: 32rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.25rem; margin: 0; } dt { color: var(--muted); } dd { margin: 0; }
.muted, time + small { color: var(--muted); } small { font-size: .85em; }
.status { font-weight: 600; padding: .1rem .5rem; border-radius: 1rem; border: 1px solid currentColor; }
.active { color: var(--ok); } .ended { color: var(--muted); } .expired { color: var(--warn); } .error { color: var(--bad); }
form.lookup { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; margin: .5rem 0 1rem; }
form.lookup label { min-width: 5.5rem; }
input[type=text] { font: inherit; padding: .4rem .6rem; min-width: 26rem; max-width: 100%; border: 1px solid var(--line); border-radius: .3rem; }
button { font: inherit; padding: .35rem .9rem; border-radius: .3rem; border: 1px solid var(--line); cursor: pointer; }
form.inline { display: inline; margin: 0; }
.pager { margin: .75rem 0; display: flex; gap: 1.25rem; }
`;

/** The CSP source that allows exactly {@link STYLE}. */
export const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** The `<style>` element, its text exactly as hashed. */
export const STYLE_ELEMENT = new SafeHtml(`<style>${STYLE}</style>`);
