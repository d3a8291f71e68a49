import { html, type HtmlValue, type SafeHtml } from './html.js';
import type { ConsolePaths } from './paths.js';
import { STYLE_ELEMENT } from './style.js';

/** A whole console page: no script, one hashed style, nothing loaded from anywhere. */
export function page(title: string, paths: ConsolePaths, body: HtmlValue): SafeHtml {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>${title} · Support console</title>
        ${STYLE_ELEMENT}
      </head>
      <body>
        <nav><a href="${paths.home}">Support console</a></nav>
        ${body}
      </body>
    </html> `;
}

/** A column heading; `numeric` right-aligns the heading like the figures below it. */
export type Heading = string | { readonly numeric: string };

/** A table of the console: headings, then the rows as given. `figures` keeps it as narrow as its content. */
export function table(headings: readonly Heading[], rows: HtmlValue, kind?: 'figures'): SafeHtml {
  const cells = headings.map((heading) =>
    typeof heading === 'string' ? html`<th>${heading}</th>` : html`<th class="n">${heading.numeric}</th>`,
  );
  return html`<table class="${kind ?? ''}">
    <thead>
      <tr>
        ${cells}
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

/** A short page for an answer without content: 400, 403, 404, 405. */
export function messagePage(title: string, message: string, paths: ConsolePaths): SafeHtml {
  return page(
    title,
    paths,
    html`<h1>${title}</h1>
      <p>${message}</p>
      <p><a href="${paths.home}">Back to the console</a></p>`,
  );
}
