import type { Response } from 'express';
import { STYLE_HASH } from './style.js';

/**
 * No script, no image, no font, no frame, no connection: the page is HTML and one hashed style. Forms may
 * only post back to the console; nothing may frame it; `<base>` cannot redirect its relative links.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${STYLE_HASH}`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const HEADERS: readonly (readonly [string, string])[] = [
  ['Content-Security-Policy', CONTENT_SECURITY_POLICY],
  // Session data must not stay in a browser or proxy cache, be indexed, or leak through the Referer.
  ['Cache-Control', 'no-store'],
  ['X-Robots-Tag', 'noindex, nofollow'],
  ['Referrer-Policy', 'no-referrer'],
  ['X-Content-Type-Options', 'nosniff'],
  // For browsers that predate frame-ancestors.
  ['X-Frame-Options', 'DENY'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
];

/** Sets the console's security headers; called first on every response it sends, errors included. */
export function setSecurityHeaders(res: Response): void {
  for (const [name, value] of HEADERS) res.setHeader(name, value);
}
