import type { Response } from 'express';

/** Adds the header to `Access-Control-Expose-Headers`, keeping what a CORS middleware put there. */
export function exposeToCors(res: Response, header: string): void {
  const existing = res.getHeader('Access-Control-Expose-Headers');
  const listed = Array.isArray(existing) ? existing.join(', ') : typeof existing === 'string' ? existing : '';
  const names = listed.split(',').map((name) => name.trim().toLowerCase());
  if (names.includes(header.toLowerCase()) || names.includes('*')) return;
  res.setHeader('Access-Control-Expose-Headers', listed === '' ? header : `${listed}, ${header}`);
}
