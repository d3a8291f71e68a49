import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import express from 'express';
import type { ActivityDispatcher } from '../../src/core/activity-types.js';

/**
 * A real Express server whose handlers push activity the way `logActivity` does: synchronously,
 * then respond. `/steps/:session?count=n` logs n workflow steps across awaits, like a handler doing I/O.
 */
export async function startActivityApp(
  dispatcher: ActivityDispatcher,
): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.get('/steps/:session', async (req, res) => {
    const count = Number(req.query.count ?? 1);
    for (let step = 0; step < count; step++) {
      dispatcher.push({
        eventId: randomUUID(),
        sessionId: req.params.session,
        type: 'workflow.step',
        details: { step },
        at: Date.now(),
      });
      if (step % 10 === 9) await nextTurn();
    }
    res.json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends one request and returns its status and how long it took, in ms. */
export async function timedGet(url: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}
