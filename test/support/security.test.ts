/**
 * Safe by construction: the headers on every answer, stored XSS through every field that reaches a page (the
 * recurring CVE of admin views that render User-Agents and activity details), secrets masked, sizes bounded,
 * and the cookie session ID never shown.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlActivityStore } from '../../src/activity/sql-store.js';
import { escapeHtml } from '../../src/support/html.js';
import type { SessionView } from '../../src/support/session-view.js';
import { activity } from '../activity/records.js';
import { consoleApp, type ConsoleApp } from './console-app.js';
import { fakeRegistry } from './fake-registry.js';
import {
  ALL,
  HOSTILE_ENTRY,
  HOSTILE_ID,
  HUGE_USER_AGENT,
  markupProblems,
  PAYLOADS,
  SECRETS,
  TARGET,
  hostileRecords,
} from './payloads.js';
import { NOW, S1, story } from './story.js';

const SECRET_VALUES = JSON.stringify(SECRETS).match(/[\w.%-]*secret-value/g) ?? [];
const JSON_ACCEPT = { accept: 'application/json' };

describe('support console security', () => {
  let db: Database.Database;
  let store: SqlActivityStore;
  let console_: ConsoleApp;
  beforeEach(async () => {
    db = new Database(':memory:');
    store = new SqlActivityStore({ sqlite: db });
    await store.write([...story(), ...hostileRecords()]);
    const registry = fakeRegistry(NOW);
    registry.add(HOSTILE_ENTRY);
    registry.add({ ...HOSTILE_ENTRY, sessionId: HOSTILE_ID });
    console_ = consoleApp(store, { now: () => NOW, registry });
  });
  afterEach(() => {
    db.close();
  });

  const pages = (): string[] => [
    '/support/',
    `/support/sessions/${TARGET}`,
    `/support/sessions/${encodeURIComponent(HOSTILE_ID)}`,
    `/support/sessions?user=${encodeURIComponent(PAYLOADS[0])}`,
  ];

  it('sends the strict headers on every answer: pages, JSON, redirects, refusals', async () => {
    const answers = await Promise.all([
      console_.agent.get('/support/'),
      console_.agent.get(`/support/sessions/${S1}`).set(JSON_ACCEPT),
      console_.agent.get(`/support/sessions?id=${S1}`),
      console_.agent.get('/support/sessions/not%20an%20id'),
      console_.agent.post(`/support/sessions/${S1}/revoke`).set('sec-fetch-site', 'cross-site'),
      console_.agent.get('/support/nothing-here'),
      console_.agent.put('/support/'),
    ]);
    expect(answers.map((res) => res.status)).toEqual([200, 200, 303, 400, 403, 404, 405]);
    const page = answers[0].text;
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    for (const res of answers) {
      expect(res.headers['content-security-policy']).toBe(
        `default-src 'none'; style-src 'sha256-${hash}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      );
      expect(res.headers).toMatchObject({
        'cache-control': 'no-store',
        'x-robots-tag': 'noindex, nofollow',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
      });
    }
  });

  it('renders every payload as text: only its own tags, no handler, no script, no link out', async () => {
    for (const path of pages()) {
      const page = (await console_.agent.get(path).expect(200)).text;
      expect(markupProblems(page), path).toEqual([]);
      expect(page, path).not.toMatch(/<script|<img|<svg|javascript:"|href="javascript/i);
    }
    const target = (await console_.agent.get(`/support/sessions/${TARGET}`)).text;
    // The payloads are there, as text.
    expect(target).toContain(escapeHtml(PAYLOADS[0]));
    expect(target).toContain(`<code>${escapeHtml(PAYLOADS[0])}</code>`); // the activity type and the user ID
    expect(target).toContain(escapeHtml(JSON.stringify(PAYLOADS[1]))); // a details key, as JSON
    // The hostile next ID is a link, encoded in the href and escaped in the text; the previous ID is no ID: text.
    expect(target).toContain(`href="/support/sessions/${encodeURIComponent(HOSTILE_ID)}"`);
    expect(target).toContain(`<code class="id">${escapeHtml(HOSTILE_ID)}</code>`);
    expect(target).not.toContain(`href="/support/sessions/${encodeURIComponent(PAYLOADS[1])}"`);
  });

  it('keeps pages and answers small whatever the stored values: a 100 KB User-Agent is cut', async () => {
    for (const path of pages()) {
      const page = (await console_.agent.get(path).expect(200)).text;
      expect(page.length, path).toBeLessThan(80_000);
      expect(page).not.toContain(HUGE_USER_AGENT.slice(0, 2000));
    }
    const view = (await console_.agent.get(`/support/sessions/${TARGET}`).set(JSON_ACCEPT)).body as SessionView;
    expect(view.device?.userAgent.length).toBeLessThan(400);
    expect(view.device?.userAgent).toMatch(/… \[\d+ more characters\]$/);
    expect(JSON.stringify(view).length).toBeLessThan(60_000);
  });

  it('masks values under secret-looking keys, at any depth and in any case, in pages and JSON', async () => {
    const page = (await console_.agent.get(`/support/sessions/${TARGET}`)).text;
    const json = JSON.stringify((await console_.agent.get(`/support/sessions/${TARGET}`).set(JSON_ACCEPT)).body);
    expect(SECRET_VALUES).toHaveLength(7);
    for (const secret of SECRET_VALUES) {
      expect(page).not.toContain(secret);
      expect(json).not.toContain(secret);
    }
    const shown = (JSON.parse(json) as SessionView).timeline.entries.find((entry) => entry.type === 'page.view');
    expect(shown?.details).toMatchObject({
      password: '[masked]',
      Authorization: '[masked]',
      nested: { deeper: { api_key: '[masked]', refreshToken: '[masked]' } },
      headers: { Cookie: '[masked]', 'X-Client-Secret': '[masked]' },
      list: [{ accessToken: '[masked]' }],
      href: 'javascript:alert(1)',
    });
  });

  it("never shows the support person's own cookie session ID, wherever a stored value carries it", async () => {
    const first = await console_.agent.get('/support/').expect(200);
    const cookie = String(first.headers['set-cookie']);
    const cookieId = decodeURIComponent(/connect\.sid=s%3A([^.;]+)/.exec(cookie)?.[1] ?? '');
    expect(cookieId).toMatch(/^[\w-]{20,}$/);
    await store.write([
      activity(TARGET, 'debug', { note: `cookie was ${cookieId}`, [cookieId]: cookieId }, NOW - 1000),
    ]);
    const page = (await console_.agent.get(`/support/sessions/${TARGET}`)).text;
    const json = (await console_.agent.get(`/support/sessions/${TARGET}`).set(JSON_ACCEPT)).text;
    expect(page).toContain('cookie was [session-cookie-id]');
    expect(page).not.toContain(cookieId);
    expect(json).not.toContain(cookieId);
  });

  it('answers JSON that stays JSON whatever the payload (no HTML sniffing, no injection)', async () => {
    const res = await console_.agent.get(`/support/sessions/${TARGET}`).set(JSON_ACCEPT).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const view = res.body as SessionView;
    expect(view.errors[0]).toMatchObject({ status: null, message: ALL, method: PAYLOADS[2], route: PAYLOADS[0] });
    expect(view.nextIds).toEqual([HOSTILE_ID]);
    expect(view.previousId).toBe(PAYLOADS[1]);
  });
});
