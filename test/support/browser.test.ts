/**
 * One real browser (Chromium, driven by playwright-core) on a session page full of payloads: no dialog opens,
 * no request leaves for another origin, the Content-Security-Policy reports no violation (and does report
 * one when something breaks it), the payloads read as text, and the lookup form and the revoke button work.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Database from 'better-sqlite3';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SqlActivityStore } from '../../src/activity/sql-store.js';
import { CHROMIUM, describeWith, requireChromium } from '../helpers/services.js';
import { consoleApp } from './console-app.js';
import { fakeRegistry, type FakeRegistry } from './fake-registry.js';
import { HOSTILE_ENTRY, hostileRecords, PAYLOADS, TARGET } from './payloads.js';
import { NOW, story } from './story.js';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

describeWith(requireChromium(), 'the support console in Chromium', () => {
  let db: Database.Database;
  let registry: FakeRegistry;
  let server: Server;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    db = new Database(':memory:');
    const store = new SqlActivityStore({ sqlite: db });
    await store.write([...story(), ...hostileRecords()]);
    registry = fakeRegistry(NOW);
    registry.add(HOSTILE_ENTRY);
    const { app } = consoleApp(store, { now: () => NOW, registry });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 60_000);
  afterAll(async () => {
    await browser.close();
    server.close();
    db.close();
  });

  it('renders the payloads as text: no dialog, no foreign request, no CSP violation; the forms work', async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    const requests: string[] = [];
    const cspMessages: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (/content security policy/i.test(message.text())) cspMessages.push(message.text());
    });
    // Runs before the page's own content and outside its CSP, like the devtools do. (Strings: no DOM types here.)
    await page.addInitScript({
      content: `window.cspViolations = [];
        document.addEventListener('securitypolicyviolation', (event) => window.cspViolations.push(event.violatedDirective));`,
    });
    const violations = (): Promise<string[]> => page.evaluate<string[]>('window.cspViolations');

    await page.goto(`${origin}/support/sessions/${TARGET}`);
    await page.waitForLoadState('networkidle');
    expect(await page.locator('h1').innerText()).toContain(TARGET);
    const text = await page.locator('body').innerText();
    for (const payload of PAYLOADS.slice(0, 3)) expect(text).toContain(payload);
    expect(await page.locator('script, img, svg, iframe').count()).toBe(0);
    expect(await violations()).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(cspMessages).toEqual([]);

    // The lookup field, then the revoke button of the user page: real form submissions, same origin.
    await page.goto(`${origin}/support/`);
    await page.fill('input[name=id]', `  ${TARGET} `);
    await Promise.all([page.waitForURL(`**/sessions/${TARGET}`), page.click('form.lookup button')]);
    await Promise.all([page.waitForURL('**/sessions?user=*'), page.click('text=Revoke this session')]);
    expect(registry.revoked.map((entry) => entry.sessionId)).toEqual([TARGET]);
    expect(await page.locator('body').innerText()).toContain('This user has no live session.');

    expect(requests.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(await violations()).toEqual([]);
    // The check itself works: a style the policy does not allow is reported.
    await page.evaluate("document.head.append(Object.assign(document.createElement('style'), { textContent: 'b{}' }))");
    await expect.poll(violations).toEqual(['style-src-elem']);
    await page.close();
  }, 60_000);
});
