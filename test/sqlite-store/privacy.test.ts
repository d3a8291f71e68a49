/** The database holds no usable cookie: the cookie session ID is stored only as its SHA-256. */
import { existsSync, readFileSync } from 'node:fs';
import request from 'supertest';
import { expect, it } from 'vitest';
import { buildApp, idRoutes } from '../helpers/app.js';
import { keyOf, sqliteFixture } from './harness.js';

const fixture = sqliteFixture();

it('writes no cookie session ID into the database file or its WAL, only the SHA-256 digests', async () => {
  const file = fixture.file();
  const store = fixture.store({ path: file });
  const { app } = buildApp({ store, routes: idRoutes });
  const cookies: string[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await request(app).post(`/cart?item=marker-${i}`).expect(200);
    cookies.push(res.headers['set-cookie']![0]!.split(';')[0]!);
  }
  const sids = cookies.map((cookie) => decodeURIComponent(cookie.split('=')[1]!).slice(2).split('.')[0]!);
  expect(sids.every((sid) => sid.length >= 24)).toBe(true);

  // Read while the store is open, so the WAL still holds the writes.
  const bytes = [file, `${file}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path));
  expect(bytes.length).toBe(2);
  const found = (needle: string | Buffer): boolean => bytes.some((content) => content.includes(needle));
  // The scan sees the stored sessions (their data and their keys) ...
  expect(sids.map((_sid, i) => found(`marker-${i}`))).toEqual(sids.map(() => true));
  expect(sids.map((sid) => found(keyOf(sid)))).toEqual(sids.map(() => true));
  // ... and not one cookie ID, raw, URL-encoded or hex-encoded, nor any signed cookie value.
  for (const [i, sid] of sids.entries()) {
    expect(found(sid)).toBe(false);
    expect(found(Buffer.from(sid).toString('hex'))).toBe(false);
    expect(found(cookies[i]!.split('=')[1]!)).toBe(false);
  }
});
