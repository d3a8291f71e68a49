/**
 * `npm run demo` in a real browser (Debian's Chromium, driven by playwright-core): a visitor browses
 * anonymously, goes through the two-step checkout, uploads a file, signs in, and hits an error; the error
 * page shows the ID; a support person pastes it into the console and sees the whole visit in order; the
 * payloads the visitor typed render as text (no dialog, no request to another origin, no CSP violation);
 * and the console's revoke button signs the visitor out. `UPDATE_SCREENSHOTS=1` writes the README's
 * screenshots into docs/screenshots.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../helpers/child-server.js';
import { CHROMIUM, describeWith, requireChromium } from '../helpers/services.js';
import { tempDir } from '../helpers/temp-dir.js';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? fileURLToPath(new URL('../../docs/screenshots', import.meta.url))
    : undefined;
const XSS = {
  item: '<img src=x onerror=alert(1)>',
  address: '"><script>alert(2)</script>',
  file: '<svg onload=alert(3)>.txt',
  agent:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36 <script>alert(4)</script>',
};

interface Watched {
  readonly page: Page;
  readonly dialogs: string[];
  readonly foreign: string[];
  violations(): Promise<string[]>;
}

async function watch(context: BrowserContext, origin: string): Promise<Watched> {
  const page = await context.newPage();
  const dialogs: string[] = [];
  const foreign: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) foreign.push(request.url());
  });
  await page.addInitScript({
    content: `window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => window.cspViolations.push(event.violatedDirective));`,
  });
  return { page, dialogs, foreign, violations: () => page.evaluate<string[]>('window.cspViolations') };
}

async function shoot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS === undefined) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
}

describeWith(requireChromium(), 'npm run demo in Chromium', () => {
  const data = tempDir('els-demo-browser-');
  let demo: ChildServer;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startChildServer(
      'demo/server.ts',
      { PORT: '0', DEMO_DATA: data.path, REDIS_URL: '' },
      /open (http:\/\/localhost:\d+)/,
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 60_000);
  afterAll(async () => {
    await browser.close();
    await demo.stop();
    data.remove();
  });

  it('tells the whole story: an anonymous visit, a login and an error, found by support from the error page', async () => {
    const origin = demo.url.replace('localhost', '127.0.0.1');
    const visitorContext = await browser.newContext({ userAgent: XSS.agent, viewport: { width: 1000, height: 700 } });
    const visitor = await watch(visitorContext, origin);
    const { page } = visitor;

    await page.goto(`${origin}/`);
    const anonymousId = await page.locator('#session-id').innerText();
    await page.click('text=A desk lamp');
    await page.goto(`${origin}/shop/${encodeURIComponent(XSS.item)}`);
    await page.goto(`${origin}/checkout`);
    await page.fill('input[name=address]', XSS.address);
    await page.click('button:has-text("Next")');
    await page.waitForURL(`${origin}/checkout/confirm`);
    await page.click('button:has-text("Place the order")');
    await page.waitForSelector('text=Your order is on its way');
    await page.goto(`${origin}/upload`);
    await page.setInputFiles('input[type=file]', {
      name: XSS.file,
      mimeType: 'text/plain',
      buffer: Buffer.from('hello'),
    });
    await page.click('button:has-text("Upload")');
    await page.waitForSelector("text=in this session's folder");
    await page.goto(`${origin}/login`);
    await page.fill('input[name=username]', 'alice');
    await page.fill('input[name=password]', 'wonderland');
    await page.click('button:has-text("Sign in")');
    await page.waitForURL(`${origin}/devices`);
    expect(await page.locator('body').innerText()).toContain('this device');
    await page.goto(`${origin}/`);
    await page.click('button:has-text("Break something")');
    await page.waitForURL(`${origin}/boom`);
    expect(await page.locator('h1').innerText()).toContain('500');
    const errorId = await page.locator('#session-id').innerText();
    // The login kept the logical ID: the anonymous part of the visit and the rest are one session.
    expect(errorId).toBe(anonymousId);
    await shoot(page, 'error-page.png');

    const supportContext = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const support = await watch(supportContext, origin);
    await support.page.goto(`${origin}/login`);
    await support.page.fill('input[name=username]', 'sam');
    await support.page.fill('input[name=password]', 'support');
    await support.page.click('button:has-text("Sign in")');
    await support.page.waitForURL(`${origin}/support/`);
    await support.page.fill('input#id', errorId);
    await support.page.click('button:has-text("Open")');
    await support.page.waitForURL(`${origin}/support/sessions/${errorId}`);
    const text = await support.page.locator('body').innerText();
    for (const payload of [XSS.item, XSS.address, XSS.file]) expect(text).toContain(payload);
    expect(await support.page.locator('main script, main img, main svg').count()).toBe(0);
    await shoot(support.page, 'session-page.png');

    const view = (await (
      await supportContext.request.get(`${origin}/support/sessions/${errorId}`, {
        headers: { accept: 'application/json' },
      })
    ).json()) as {
      timeline: { entries: { type: string; details: Record<string, unknown> }[] };
      user: { userId: string };
    };
    const story = view.timeline.entries.map((entry) => entry.type);
    const order = ['session.start', 'page.view', 'checkout.step', 'upload', 'session.user', 'login', 'error'];
    expect(order.map((type) => story.indexOf(type))).toEqual(
      [...order.map((type) => story.indexOf(type))].sort((a, b) => a - b),
    );
    expect(order.every((type) => story.includes(type))).toBe(true);
    expect(view.user.userId).toBe('alice');

    await support.page.goto(`${origin}/support/sessions?user=alice`);
    await shoot(support.page, 'user-page.png');
    await support.page.click('button:has-text("Revoke")');
    await support.page.waitForURL(/\/support\/sessions\?user=alice/);
    await page.goto(`${origin}/devices`);
    await page.waitForURL(`${origin}/login`);
    expect(await page.locator('#session-id').innerText()).not.toBe(errorId);

    for (const watched of [visitor, support]) {
      expect(watched.dialogs).toEqual([]);
      expect(watched.foreign).toEqual([]);
      expect(await watched.violations()).toEqual([]);
    }
    await visitorContext.close();
    await supportContext.close();
  }, 90_000);
});
