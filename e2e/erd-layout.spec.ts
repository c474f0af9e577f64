import { expect, test, type Page, type Response } from '@playwright/test';
import { databaseState } from './support/database-state';
import { embeddedSql } from './support/embedded-sql';
import { shot } from './support/screenshot';
import { storageFor } from './support/users';

/**
 * The ERD's server-side layout (GET …/schema/layout, lib/erd/server-layout.ts): computed once
 * per schema fingerprint, view and options, then answered from the cache — so a second visitor
 * or a reload does no layout work — and its door attacked like the other schema doors.
 */
test.describe.configure({ mode: 'serial' });

const LAYOUT = '/api/environments/local/schema/layout';
const isLayout = (r: Response) => r.url().includes('/api/environments/local/schema/layout?');

async function openErd(page: Page): Promise<Response> {
  const layout = page.waitForResponse(isLayout);
  await page.goto('/environments/local/erd');
  const response = await layout;
  await expect(page.locator('.react-flow__node-table').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('layout-progress')).toHaveCount(0, { timeout: 30_000 });
  return response;
}

test('a second visitor and a reload get the whole layout from the server cache, and the page draws it', async ({ browser }) => {
  test.setTimeout(120_000);
  const first = await browser.newContext({ storageState: storageFor('admin') });
  const page = await first.newPage();
  const firstLayout = await openErd(page);
  expect(firstLayout.status()).toBe(200);
  expect(['cached', 'computed']).toContain(firstLayout.headers()['strata-layout']);
  const served = (await firstLayout.json()) as { key: string; positions: Record<string, { x: number; y: number }> };
  expect(Object.keys(served.positions).length).toBeGreaterThan(10);
  // The page kept exactly the server's positions (it did not fall back to its own worker).
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('strata:erd:local:positions') ?? '{}'));
  expect(stored.modes.full.key).toBe(served.key);
  expect(stored.modes.full.positions).toEqual(served.positions);

  // A reload with nothing remembered in the browser: the server has it already.
  await page.evaluate(() => localStorage.clear());
  const reloaded = await openErd(page);
  expect(reloaded.headers()['strata-layout']).toBe('cached');
  await shot(page, 'erd-server-layout', false);

  // A second visitor, another role: cached too, the same layout.
  const second = await browser.newContext({ storageState: storageFor('vera') });
  const other = await second.newPage();
  const secondLayout = await openErd(other);
  expect(secondLayout.headers()['strata-layout']).toBe('cached');
  expect((await secondLayout.json()).positions).toEqual(served.positions);
  await first.close();
  await second.close();
});

test('layout door: 401 signed out or forged, 404 unknown environment, 400 naming a bad parameter, viewer allowed, ETag 304', async ({ browser, request }) => {
  const before = await databaseState();
  const outsider = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const ok = await request.get(`${LAYOUT}?view=all&mode=full`);
  expect(ok.status()).toBe(200);
  expect(ok.headers()['cache-control']).toContain('no-store');
  const etag = ok.headers()['etag']!;
  expect(etag).toMatch(/^"[\w-]{32}-all-full-b0-i1"$/);

  // Signed out, even with a valid ETag (a 304 would confirm the fingerprint), and with a forged session cookie.
  expect((await outsider.request.get(LAYOUT)).status()).toBe(401);
  expect((await outsider.request.get(LAYOUT, { headers: { 'If-None-Match': etag } })).status()).toBe(401);
  await outsider.addCookies([{ name: 'authjs.session-token', value: 'forged.session.token', domain: 'localhost', path: '/' }]);
  expect((await outsider.request.get(LAYOUT)).status()).toBe(401);
  await outsider.close();

  // A cross-site page may send the request with the cookie, but is never allowed to read the answer.
  const crossSite = await request.get(LAYOUT, { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
  expect(crossSite.headers()['access-control-allow-origin']).toBeUndefined();

  const unknown = await request.get('/api/environments/nowhere/schema/layout');
  expect(unknown.status()).toBe(404);
  expect(await unknown.json()).toMatchObject({ error: 'unknown_environment' });

  for (const [query, named] of [
    ['view=everything', 'view'],
    ['mode=wide', 'mode'],
    ['bookkeeping=yes', 'bookkeeping'],
    ['inferred=2', 'inferred'],
    ['view=all&extra=1', 'extra'],
    ["mode=full'%20or%201=1", 'mode'],
  ] as const) {
    const bad = await request.get(`${LAYOUT}?${query}`);
    expect(bad.status(), query).toBe(400);
    expect((await bad.json()).message, query).toContain(named);
  }

  const viewer = await browser.newContext({ storageState: storageFor('vera') });
  const seen = await viewer.request.get(LAYOUT, { headers: { 'If-None-Match': etag } });
  expect(seen.status()).toBe(304);
  const wire = (await seen.body()).length + Object.entries(seen.headers()).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
  expect(wire).toBeLessThan(1024);
  expect((await viewer.request.get(`${LAYOUT}?mode=keys`, { headers: { 'If-None-Match': etag } })).status()).toBe(200);
  await viewer.close();
  expect(await databaseState()).toEqual(before);
});

test('a changed schema is laid out again, once for two concurrent callers', async ({ request }) => {
  test.setTimeout(120_000);
  const sql = embeddedSql('strata_local');
  try {
    await sql.unsafe('create table public.layout_probe (id bigint primary key, note text)');
    const [a, b] = await Promise.all([request.get(`${LAYOUT}?mode=keys`), request.get(`${LAYOUT}?mode=keys`)]);
    expect([a.status(), b.status()]).toEqual([200, 200]);
    expect([a.headers()['strata-layout'], b.headers()['strata-layout']].sort()).toEqual(['cached', 'computed']);
    const laid = (await a.json()) as { positions: Record<string, unknown> };
    expect(laid.positions['public.layout_probe']).toBeDefined();
    expect((await b.json()).positions).toEqual(laid.positions);
    expect((await request.get(`${LAYOUT}?mode=keys`)).headers()['strata-layout']).toBe('cached');
  } finally {
    await sql.unsafe('drop table if exists public.layout_probe');
    await sql.end();
  }
});
