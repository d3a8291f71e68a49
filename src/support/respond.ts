import type { Request, Response } from 'express';
import { redact } from '../core/redact.js';
import type { SafeHtml } from './html.js';

/** Whether the client asked for JSON rather than a page (`Accept: application/json`). */
export function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}

// The support person's own cookie ID is the one credential the console could ever hold; whatever a stored
// value contains, it never leaves in a response.
function scrub(req: Request, text: string): string {
  return redact(text, typeof req.sessionID === 'string' ? req.sessionID : undefined);
}

/** Sends a page. */
export function sendHtml(req: Request, res: Response, status: number, body: SafeHtml): void {
  res.status(status).type('html').send(scrub(req, body.toString()));
}

/** Sends a JSON answer. */
export function sendJson(req: Request, res: Response, status: number, body: unknown): void {
  res
    .status(status)
    .type('json')
    .send(scrub(req, JSON.stringify(body)));
}
