import type { Request } from 'express';

/**
 * Whether a state-changing request (revoke) comes from the console's own pages. Browsers send
 * `Sec-Fetch-Site` (only `same-origin` passes; `same-site` is another origin too); older ones send `Origin`,
 * whose host must be the request's. A request with neither (curl, a script) is refused: there is no way
 * to tell it from a forged one, and the console has no other use for it.
 */
export function isSameOrigin(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  const origin = req.get('origin');
  const host = req.get('host');
  if (origin === undefined || host === undefined) return false;
  try {
    // The host, not the scheme: behind a TLS-terminating proxy the app sees http for an https page.
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false; // "null" (a sandboxed frame, a redirect chain) or garbage
  }
}
