/**
 * The console's pages read through the ActivityReader interface, run on both stores: the session page (status,
 * chain, errors, counts, paged timeline) in HTML and JSON, the overview, the lookup field, and the record of
 * every lookup.
 */
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqlActivityStore } from '../../src/activity/sql-store.js';
import type { SessionView } from '../../src/support/session-view.js';
import { describeWith, requirePostgres } from '../helpers/services.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';
import { consoleApp, linksOf, type ConsoleApp } from './console-app.js';
import { NOW, S0, S1, S1_VIEWS, S2, S3, story, UNKNOWN } from './story.js';

const JSON_ACCEPT = { accept: 'application/json' };

interface StoreHarness {
  readonly store: SqlActivityStore;
  cleanup(): Promise<void>;
}

function describeConsole(name: string, create: () => StoreHarness): void {
  describe(`support console pages: ${name}`, () => {
    let harness: StoreHarness;
    let store: SqlActivityStore;
    let console_: ConsoleApp;
    beforeEach(async () => {
      harness = create();
      store = harness.store;
      await store.write(story());
      console_ = consoleApp(store, { now: () => NOW, pageSize: 50 }, store);
    });
    afterEach(async () => {
      await console_.middleware.close();
      await harness.cleanup();
    });

    it('shows an ended session: reason, times, user, the chain as links, counts and the errors', async () => {
      const res = await console_.agent.get(`/support/sessions/${S1}`).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
      const page = res.text;
      expect(page).toContain('<span class="status ended">ended</span>');
      expect(page).toContain('ended (idle-timeout) at <time datetime="2026-03-01T11:30:00Z">');
      // Last seen is the last event before the late idle-timeout end, not the moment it was noticed.
      expect(page).toMatch(/Last seen<\/dt>\s*<dd><time datetime="2026-03-01T08:11:00Z">/);
      expect(page).toContain('<code>u1</code>');
      const links = linksOf(page);
      expect(links).toContain(`/support/sessions/${S0}`);
      expect(links).toContain(`/support/sessions/${S2}`);
      expect(page).toMatch(
        /<td class="n error">500<\/td>\s*<td>POST<\/td>\s*<td><code>\/upload<\/code><\/td>\s*<td><code>req-7<\/code><\/td>/,
      );
      expect(page).toMatch(/<code>page\.view<\/code><\/td>\s*<td class="n">120<\/td>/);
    });

    it('answers the same content as JSON, with the documented field names', async () => {
      const { body } = (await console_.agent.get(`/support/sessions/${S1}`).set(JSON_ACCEPT).expect(200)) as {
        body: SessionView;
      };
      expect(body).toMatchObject({
        sessionId: S1,
        status: 'ended',
        endReason: 'idle-timeout',
        endedAt: NOW - 30 * 60_000,
        firstSeen: NOW - 4 * 3_600_000,
        lastSeen: NOW - 4 * 3_600_000 + 11 * 60_000,
        durationMs: 11 * 60_000,
        user: { userId: 'u1', linkedAt: null },
        device: null,
        ipPrefix: null,
        previousId: S0,
        nextIds: [S2],
        total: S1_VIEWS + 5,
        counts: { 'session.start': 1, 'session.user': 1, 'page.view': S1_VIEWS, error: 2, 'session.end': 1 },
        warnings: [],
      });
      expect(body.errors.map(({ id: _id, ...error }) => error)).toEqual([
        {
          at: NOW - 4 * 3_600_000 + 10 * 60_000,
          status: 500,
          method: 'POST',
          route: '/upload',
          requestId: 'req-7',
          message: 'Internal Server Error',
        },
        {
          at: NOW - 4 * 3_600_000 + 11 * 60_000,
          status: 404,
          method: null,
          route: null,
          requestId: null,
          message: 'Not Found',
        },
      ]);
      expect(body.timeline.entries).toHaveLength(50);
    });

    it('pages the timeline back to the first event with no skips or repeats, by JSON cursor and by HTML link', async () => {
      const seen: string[] = [];
      let path: string | undefined = `/support/sessions/${S1}`;
      while (path !== undefined) {
        const json = (await console_.agent.get(path).set(JSON_ACCEPT).expect(200)).body as SessionView;
        const html = (await console_.agent.get(path).expect(200)).text;
        seen.unshift(...json.timeline.entries.map((entry) => entry.id));
        const older = json.timeline.older;
        const olderLink = linksOf(html).find((link) => link.includes('before='));
        path = older === null ? undefined : `/support/sessions/${S1}?before=${older.before}&beforeId=${older.beforeId}`;
        expect(olderLink).toBe(path);
        if (path !== undefined) expect(html).toContain('>Older events</a>');
      }
      expect(seen).toHaveLength(S1_VIEWS + 5);
      expect(new Set(seen).size).toBe(seen.length);
      const all = await store.timeline(S1, { limit: 1000 });
      expect(seen).toEqual(all.map((entry) => entry.id));
    });

    it('infers expired when no end was recorded and the idle timeout has passed; active before that', async () => {
      const expired = (await console_.agent.get(`/support/sessions/${S3}`).set(JSON_ACCEPT)).body as SessionView;
      expect(expired).toMatchObject({ status: 'expired', endReason: null, endedAt: NOW - 2 * 3_600_000 + 30 * 60_000 });
      const page = (await console_.agent.get(`/support/sessions/${S3}`)).text;
      expect(page).toContain('inferred: no end was recorded');
      expect((await console_.agent.get(`/support/sessions/${S2}`).set(JSON_ACCEPT)).body).toMatchObject({
        status: 'active',
        endedAt: null,
        nextIds: [],
      });
      const patient = consoleApp(store, { now: () => NOW, idleTimeout: '3h' });
      expect((await patient.agent.get(`/support/sessions/${S3}`).set(JSON_ACCEPT)).body).toMatchObject({
        status: 'active',
      });
    });

    it('answers 404 for an ID nobody knows', async () => {
      const res = await console_.agent.get(`/support/sessions/${UNKNOWN}`).expect(404);
      expect(res.text).toContain('Neither the activity log nor the registry knows this session.');
      await console_.agent.get(`/support/sessions/${UNKNOWN}`).set(JSON_ACCEPT).expect(404, {
        error: 'Neither the activity log nor the registry knows this session.',
      });
    });

    it('shows the figures of the last 24 hours and 7 days and links the recent sessions with errors', async () => {
      const { body } = await console_.agent.get('/support/').set(JSON_ACCEPT).expect(200);
      expect(body).toMatchObject({
        generatedAt: NOW,
        last24h: { since: NOW - 86_400_000, until: NOW, sessionsStarted: 4, activeAtEnd: 1, uniqueUsers: 1 },
        last7d: { since: NOW - 7 * 86_400_000, until: NOW, sessionsStarted: 4 },
        recentErrors: [{ sessionId: S1, errors: 2 }],
      });
      const page = (await console_.agent.get('/support').expect(200)).text;
      expect(page).toContain('<form class="lookup" method="get" action="/support/sessions">');
      expect(page).toContain('name="id"');
      expect(page).toContain('Sessions started');
      expect(linksOf(page)).toContain(`/support/sessions/${S1}`);
    });

    it('sends a pasted ID (spaces, quotes and all) to its page', async () => {
      const res = await console_.agent
        .get('/support/sessions')
        .query({ id: `  "${S1}"\n` })
        .expect(303);
      expect(res.headers.location).toBe(`/support/sessions/${S1}`);
    });

    it("records every lookup as support.lookup activity of the support person's own session", async () => {
      const first = await console_.agent.get(`/support/sessions/${S1}`).expect(200);
      await console_.agent.get(`/support/sessions/${UNKNOWN}`).set(JSON_ACCEPT).expect(404);
      const supportSession = String(first.headers['x-session-id']);
      await waitFor(
        async () => ((await store.summary(supportSession))?.counts['support.lookup'] ?? 0) === 2,
        'two support.lookup records',
      );
      const lookups = (await store.timeline(supportSession)).filter((entry) => entry.type === 'support.lookup');
      expect(lookups.map((entry) => entry.details)).toEqual([
        { sessionId: S1, format: 'html' },
        { sessionId: UNKNOWN, format: 'json' },
      ]);
    });
  });
}

describeConsole('SQLite file', () => {
  const dir = tempDir();
  const store = new SqlActivityStore({ sqlite: join(dir.path, 'activity.db') });
  return {
    store,
    async cleanup() {
      await store.close();
      dir.remove();
    },
  };
});

const postgres = requirePostgres();
describeWith(postgres, 'support console on PostgreSQL', () => {
  let pool: pg.Pool;
  let counter = 0;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: postgres.available ? postgres.url : '', max: 4 });
  });
  afterAll(() => pool.end());
  describeConsole('PostgreSQL', () => {
    const table = `support_test_${process.pid}_${counter++}`;
    return {
      store: new SqlActivityStore({ postgres: pool, table }),
      async cleanup() {
        await pool.query(`DROP TABLE IF EXISTS ${table}`);
      },
    };
  });
});
