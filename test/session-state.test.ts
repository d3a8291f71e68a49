/**
 * The stored form of the library's state (`req.session.els`): a compact string that express-session
 * serializes and hashes on every request. It must round-trip exactly, reject anything else, and a
 * session holding something else must get a fresh logical session without losing its data.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { getSessionInfo } from '../src/index.js';
import { toStored, type RequestState } from '../src/core/session-state.js';
import { readStored } from '../src/core/stored-form.js';
import { warnings } from './helpers/log-capture.js';
import { buildApp, CountingStore, expressVersions } from './helpers/app.js';

const ID = '0193b3c1-6e0f-8a4b-9c2d-3e4f5a6b7c8d';
const PREVIOUS = '6a1f0c2e-9b8d-8e7f-a6b5-c4d3e2f1a0b9';
const CREATED = Date.UTC(2026, 10, 22, 9, 0, 0);

function state(
  fields: Partial<Pick<RequestState, 'createdAt' | 'lastActivityAt' | 'previousId' | 'generation'>> & {
    id?: string;
  } = {},
): RequestState {
  return {
    runtime: undefined,
    sessionId: fields.id ?? ID,
    logParent: undefined,
    logChild: undefined,
    logBoundId: undefined,
    createdAt: fields.createdAt ?? CREATED,
    lastActivityAt: fields.lastActivityAt ?? CREATED + 600_000,
    previousId: fields.previousId,
    generation: fields.generation ?? 0,
    isNew: false,
    persistent: true,
    pending: false,
  };
}

describe('the stored form', () => {
  it('round-trips every field, with and without a previous ID', () => {
    expect(readStored(toStored(state()))).toEqual({
      id: ID,
      generation: 0,
      createdAt: CREATED,
      lastActivityAt: CREATED + 600_000,
      previousId: undefined,
    });
    expect(readStored(toStored(state({ generation: 41, previousId: PREVIOUS })))).toEqual({
      id: ID,
      generation: 41,
      createdAt: CREATED,
      lastActivityAt: CREATED + 600_000,
      previousId: PREVIOUS,
    });
  });

  it('is one short string holding the ID verbatim, so the store can be searched for it', () => {
    const stored = toStored(state());
    expect(stored).toBe(`0 ${CREATED.toString(36)} ${(CREATED + 600_000).toString(36)} ${ID}`);
    // The bytes it adds to a stored session: `,"els":"…"` in express-session's JSON.
    expect(Buffer.byteLength(JSON.stringify({ els: stored })) - 2).toBeLessThanOrEqual(66);
    expect(
      Buffer.byteLength(JSON.stringify({ els: toStored(state({ previousId: PREVIOUS })) })) - 2,
    ).toBeLessThanOrEqual(103);
  });

  it('keeps custom IDs of up to 128 visible ASCII characters, dots and colons included', () => {
    const custom = `tenant-7:user.42:${'x'.repeat(100)}`;
    expect(readStored(toStored(state({ id: custom, previousId: 'a.b' })))).toMatchObject({
      id: custom,
      previousId: 'a.b',
    });
  });

  it('stores whole milliseconds when a custom clock returns fractions', () => {
    expect(readStored(toStored(state({ createdAt: 1000.9, lastActivityAt: 2000.2 })))).toMatchObject({
      createdAt: 1000,
      lastActivityAt: 2000,
    });
  });

  it.each([
    ['missing', undefined],
    ['an object (the pre-release form)', { id: ID, g: 0, c: CREATED, a: CREATED }],
    ['empty', ''],
    ['missing the ID', `0 ${CREATED.toString(36)} ${CREATED.toString(36)}`],
    ['with a negative number', `0 -1 ${CREATED.toString(36)} ${ID}`],
    ['with a fraction', `0 ${CREATED.toString(36)}.5 ${CREATED.toString(36)} ${ID}`],
    ['with an upper-case number', `0 ${CREATED.toString(36).toUpperCase()} ${CREATED.toString(36)} ${ID}`],
    ['with a number beyond safe integers', `0 ${'z'.repeat(11)} ${CREATED.toString(36)} ${ID}`],
    ['with a third ID', `0 1 1 ${ID} ${PREVIOUS} extra`],
    ['with a double space', `0 1 1  ${ID}`],
    ['with a trailing newline', `0 1 1 ${ID}\n`],
    ['with an ID over 128 characters', `0 1 1 ${'x'.repeat(129)}`],
    ['with a non-ASCII ID', '0 1 1 séance'],
  ])('rejects a value that is %s', (_label, value) => {
    expect(readStored(value)).toBeUndefined();
  });
});

describe.each(expressVersions)('a session holding something else under els, on $name', ({ express }) => {
  it('gets a new logical session with a warning, and keeps its own data', async () => {
    const store = new CountingStore();
    const { logger, messages } = warnings();
    const { app } = buildApp({
      store,
      express,
      options: { logger },
      routes: (router) => {
        router.post('/login', (req, res) => {
          (req.session as unknown as { user: string }).user = 'ada';
          res.json({ id: getSessionInfo(req).id });
        });
        router.post('/corrupt', (req, res) => {
          // What an older release, a migration or a hand edit might have left behind.
          (req.session as unknown as { els: unknown }).els = { id: 'old', g: 0, c: 0, a: 0 };
          res.send('ok');
        });
        router.get('/me', (req, res) => {
          res.json({ ...getSessionInfo(req), user: (req.session as unknown as { user?: string }).user });
        });
      },
    });
    const agent = request.agent(app);
    const { id: before } = (await agent.post('/login').expect(200)).body as { id: string };
    await agent.post('/corrupt').expect(200);
    const after = (await agent.get('/me').expect(200)).body as { id: string; isNew: boolean; user: string };
    expect(after).toMatchObject({ isNew: true, user: 'ada' });
    // Never the foreign value, and never an ID derived before: the state that would say which IDs
    // already ended is gone, so the rebuilt state starts at a recovered generation, derived from
    // the cookie and what was found (the same for every request of a burst) and new.
    expect(after.id).not.toBe(before);
    expect(after.id).not.toBe('old');
    expect(after.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(messages).toContain(
      'express-logical-session: session data under `els` is malformed; starting a new logical session',
    );
    const sid = store.sessionIds()[0]!;
    expect(readStored(store.read(sid)?.els)).toMatchObject({ id: after.id });
    expect((await agent.get('/me').expect(200)).body).toMatchObject({ id: after.id, isNew: false });
  });
});
