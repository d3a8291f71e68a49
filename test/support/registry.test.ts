/**
 * The console with a registry (an in-memory fake of the registry's shape): user and device on the session
 * page, a user's sessions with a revoke button, revoking from the console's own pages only, and a registry
 * that does not answer.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlActivityStore } from '../../src/activity/sql-store.js';
import type { SessionView } from '../../src/support/session-view.js';
import { waitFor } from '../helpers/wait.js';
import { consoleApp, linksOf, type ConsoleApp } from './console-app.js';
import { fakeRegistry, type FakeRegistry } from './fake-registry.js';
import { NOW, S1, S2, S3, story, UNKNOWN } from './story.js';

const JSON_ACCEPT = { accept: 'application/json' };

describe('support console with a registry', () => {
  let db: Database.Database;
  let store: SqlActivityStore;
  let registry: FakeRegistry;
  let console_: ConsoleApp;
  beforeEach(async () => {
    db = new Database(':memory:');
    store = new SqlActivityStore({ sqlite: db });
    await store.write(story());
    registry = fakeRegistry(NOW);
    registry.add({ sessionId: S2, userId: 'u1', lastActivityAt: NOW - 60_000, linkedAt: NOW - 20 * 60_000 });
    registry.add({
      sessionId: UNKNOWN,
      userId: 'u1',
      createdAt: NOW - 600_000,
      lastActivityAt: NOW - 120_000,
      device: { browser: 'Chrome', os: 'Android', type: 'mobile', userAgent: 'Mozilla/5.0 (Linux; Android 14)' },
    });
    console_ = consoleApp(store, { now: () => NOW, registry }, store);
  });
  afterEach(async () => {
    await console_.middleware.close();
    db.close();
  });

  it('shows the user and the device the registry knows, and a revoke button for a live session', async () => {
    const view = (await console_.agent.get(`/support/sessions/${S2}`).set(JSON_ACCEPT)).body as SessionView;
    expect(view).toMatchObject({
      status: 'active',
      user: { userId: 'u1', linkedAt: NOW - 20 * 60_000 },
      device: { browser: 'Firefox', os: 'Linux', type: 'desktop', userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' },
      ipPrefix: '203.0.113.0/24',
      lastSeen: NOW - 60_000,
    });
    const page = (await console_.agent.get(`/support/sessions/${S2}`)).text;
    expect(page).toContain('Firefox on Linux (desktop)');
    expect(linksOf(page)).toEqual(
      expect.arrayContaining(['/support/sessions?user=u1', `/support/sessions/${S2}/revoke`]),
    );
    expect(page).toContain(
      '<form method="post" action="/support/sessions/22222222-2222-8222-8222-222222222222/revoke">',
    );
  });

  it('knows a session from the registry alone (no activity recorded yet)', async () => {
    const view = (await console_.agent.get(`/support/sessions/${UNKNOWN}`).set(JSON_ACCEPT).expect(200))
      .body as SessionView;
    expect(view).toMatchObject({ status: 'active', total: 0, firstSeen: NOW - 600_000, lastSeen: NOW - 120_000 });
  });

  it("lists a user's sessions, most recently active first, each with a revoke form", async () => {
    const { body } = await console_.agent.get('/support/sessions?user=u1').set(JSON_ACCEPT).expect(200);
    expect(body.userId).toBe('u1');
    expect(body.sessions.map((entry: { sessionId: string }) => entry.sessionId)).toEqual([S2, UNKNOWN]);
    expect(body.sessions[1]).toEqual({
      sessionId: UNKNOWN,
      userId: 'u1',
      createdAt: NOW - 600_000,
      lastActivityAt: NOW - 120_000,
      linkedAt: NOW,
      device: { browser: 'Chrome', os: 'Android', type: 'mobile', userAgent: 'Mozilla/5.0 (Linux; Android 14)' },
      ipPrefix: '203.0.113.0/24',
    });
    const page = (await console_.agent.get('/support/sessions?user=u1').expect(200)).text;
    expect(page).toContain('2 live sessions, most recently active first.');
    const forms = [...page.matchAll(/<form class="inline" method="post" action="([^"]+)">/g)].map((match) => match[1]);
    expect(forms).toEqual([`/support/sessions/${S2}/revoke`, `/support/sessions/${UNKNOWN}/revoke`]);
    expect((await console_.agent.get('/support/sessions?user=nobody')).text).toContain(
      'This user has no live session.',
    );
  });

  it("revokes from the console's own page and goes back to the user's sessions; records it", async () => {
    const res = await console_.agent.post(`/support/sessions/${S2}/revoke`).set('sec-fetch-site', 'same-origin');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/support/sessions?user=u1');
    expect(registry.revoked).toEqual([{ sessionId: S2, reason: undefined }]);
    const supportSession = String(res.headers['x-session-id']);
    await waitFor(async () => (await store.summary(supportSession))?.counts['support.revoke'], 'the revoke record');
    const records = await store.timeline(supportSession);
    expect(records.find((entry) => entry.type === 'support.revoke')?.details).toEqual({ sessionId: S2, revoked: true });
  });

  it('accepts an Origin of the same host from a browser without Sec-Fetch-Site, and answers JSON when asked', async () => {
    const host = '127.0.0.1:4000';
    await console_.agent
      .post(`/support/sessions/${UNKNOWN}/revoke`)
      .set({ host, origin: `https://${host}`, ...JSON_ACCEPT })
      .expect(200, { sessionId: UNKNOWN, revoked: true });
    await console_.agent
      .post(`/support/sessions/${UNKNOWN}/revoke`)
      .set({ host, origin: `http://${host}`, ...JSON_ACCEPT })
      .expect(200, { sessionId: UNKNOWN, revoked: false });
  });

  it.each([
    ['a cross-site form', { 'sec-fetch-site': 'cross-site' }],
    ['a same-site page on another origin', { 'sec-fetch-site': 'same-site' }],
    ['a typed URL (Sec-Fetch-Site: none)', { 'sec-fetch-site': 'none' }],
    ['a foreign Origin', { host: 'support.example', origin: 'https://evil.example' }],
    ['Origin: null', { host: 'support.example', origin: 'null' }],
    ['neither header', {}],
  ])('refuses to revoke for %s with 403', async (_, headers) => {
    const res = await console_.agent.post(`/support/sessions/${S2}/revoke`).set(headers).expect(403);
    expect(res.text).toContain('only accepted from the console itself');
    expect(registry.revoked).toEqual([]);
  });

  it('still shows the activity when the registry does not answer, and says what is missing', async () => {
    registry.failing = true;
    const view = (await console_.agent.get(`/support/sessions/${S1}`).set(JSON_ACCEPT).expect(200)).body as SessionView;
    expect(view.warnings).toEqual([
      'The registry did not answer: the user, the device and the live state are unknown.',
    ]);
    expect(view.user).toEqual({ userId: 'u1', linkedAt: null }); // from the session.user activity
    await console_.agent.get('/support/sessions?user=u1').expect(500);
  });

  it('without a registry: no user page, no revoking, no revoke button, the user ID as text', async () => {
    const plain = consoleApp(store, { now: () => NOW });
    await plain.agent.get('/support/sessions?user=u1').expect(404);
    await plain.agent.post(`/support/sessions/${S2}/revoke`).set('sec-fetch-site', 'same-origin').expect(404);
    const page = (await plain.agent.get(`/support/sessions/${S1}`)).text;
    expect(page).toContain('<code>u1</code>');
    expect(linksOf(page).filter((link) => link.includes('user=') || link.endsWith('/revoke'))).toEqual([]);
    expect((await plain.agent.get('/support/')).text).not.toContain('name="user"');
    expect((await console_.agent.get(`/support/sessions/${S3}`)).text).not.toContain('Revoke this session');
  });
});
