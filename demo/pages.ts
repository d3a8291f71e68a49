// The demo's pages: server-rendered, every value escaped, no script.
import type { DemoUser } from './users.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escape = (value: unknown): string => String(value).replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1f2328}
header{background:#24292f;color:#fff;padding:.75rem 1.5rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header a{color:#fff}main{max-width:46rem;margin:1.5rem auto;padding:0 1.5rem}
.card{background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002;padding:1rem 1.5rem;margin:1rem 0}
code{background:#eef1f4;padding:.1rem .35rem;border-radius:4px;word-break:break-all}
form.inline{display:inline}button{font:inherit;padding:.35rem .8rem;border-radius:6px;border:1px solid #8c959f;background:#f6f8fa;cursor:pointer}
button.danger{border-color:#cf222e;color:#cf222e}input{font:inherit;padding:.3rem .5rem}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #d0d7de}
.notice{background:#ddf4ff;border:1px solid #54aeff;border-radius:6px;padding:.5rem 1rem}`;

export interface PageContext {
  readonly sessionId: string;
  readonly user: DemoUser | undefined;
  readonly notice?: string;
}

export function page(title: string, context: PageContext, body: string): string {
  const who = context.user
    ? `signed in as <strong>${escape(context.user.name)}</strong>
       <form class="inline" method="post" action="/logout"><button>Sign out</button></form>`
    : `<a href="/login">Sign in</a>`;
  const support = context.user?.role === 'support' ? ' · <a href="/support/">Support console</a>' : '';
  const notice = context.notice ? `<p class="notice">${escape(context.notice)}</p>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)} · demo shop</title>
<style>${STYLE}</style></head><body>
<header><strong><a href="/">demo shop</a></strong> <a href="/shop/lamp">Shop</a> <a href="/checkout">Checkout</a>
<a href="/upload">Upload</a> <a href="/devices">Your devices</a>${support}<span style="margin-left:auto">${who}</span></header>
<main>${notice}<h1>${escape(title)}</h1>${body}
<p class="card">Your session: <code id="session-id">${escape(context.sessionId)}</code>
(also in every response's <code>X-Session-Id</code> header)</p></main></body></html>`;
}
