import { createHash } from 'node:crypto';
import { escapeHtml } from './html.js';

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1f2328}' +
  'main{max-width:34rem;margin:12vh auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002}' +
  'h1{font-size:1.4rem;margin:0 0 .5rem}code{display:inline-block;padding:.3rem .5rem;background:#eef1f4;' +
  'border-radius:4px;font-size:1rem;user-select:all;word-break:break-all}p{margin:.75rem 0}';

/** The page's only style, allowed by its hash: the page has no script, and nothing else may load. */
export const ERROR_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

/** What the error page shows; every value is escaped. */
export interface ErrorPageContent {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly sessionId: string;
  readonly supportMessage: string;
}

/** A small HTML page for a browser that hit an error: what happened, and the ID to quote to support. */
export function renderErrorPage(content: ErrorPageContent): string {
  const title = escapeHtml(`${content.status} ${content.title}`);
  const detail = content.detail === content.title ? '' : `<p>${escapeHtml(content.detail)}</p>`;
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="robots" content="noindex"><title>${title}</title><style>${STYLE}</style></head>` +
    `<body><main><h1>${title}</h1>${detail}<p>${escapeHtml(content.supportMessage)}:</p>` +
    `<p><code id="session-id">${escapeHtml(content.sessionId)}</code></p></main></body></html>`
  );
}
