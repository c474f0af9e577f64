import { expect, test, type Page } from '@playwright/test';
import { DEMO_FLEET, demoTenantDatabase } from '../lib/config/demo-environments';
import { cookieOf, rawRequest } from './support/raw-http';
import { shot } from './support/screenshot';
import { storageFor } from './support/users';

/**
 * A fleet target's schema diagram: opened from the target's detail on the fleet page, read
 * live from that tenant's own database — a tenant behind lacks the table the last change
 * sets add, one at the head has it — read-only (no named views, exports or table pages), and
 * its data door attacked: viewers read it as they read any ERD, the signed-out are refused,
 * unknown fleets and targets are 404, names that are not names 400.
 */
test.describe.configure({ timeout: 180_000 });

const api = `/api/fleets/${DEMO_FLEET.name}`;
/** Every behindEvery-th tenant is behind (lib/config/demo-environments.ts); the others are at the head. */
const behind = demoTenantDatabase(DEMO_FLEET.behindEvery);
const atHead = demoTenantDatabase(DEMO_FLEET.behindEvery + 2);
/** Added by the change sets the behind tenants lack. */
const newest = 'risk.daily_unrealized_pnl';

async function searchTable(page: Page, text: string) {
  await page.keyboard.press('/');
  const search = page.getByRole('combobox', { name: 'Search tables and columns' });
  await expect(search).toBeFocused();
  await search.fill(text);
  return search;
}

test('from the fleet page to a target\'s live ERD: the tables of that tenant, read-only', async ({ page }) => {
  await page.goto(`/fleets/${DEMO_FLEET.name}`);
  await page.getByTestId('fleet-search').fill(atHead.slice(-3));
  await expect(page.getByTestId('fleet-target')).toHaveCount(1);
  await page.getByTestId('fleet-target').click();
  const detail = page.getByTestId('fleet-target-detail');
  await expect(detail.getByRole('heading', { name: atHead })).toBeFocused();
  const link = detail.getByTestId('fleet-target-erd-link');
  await expect(link).toHaveText(`Schema diagram of ${atHead} →`);
  await shot(page, 'fleet-target-detail-erd-link', false);
  // By keyboard: Tab from the heading reaches the link.
  await page.keyboard.press('Tab');
  await expect(link).toBeFocused();
  const schemaRead = page.waitForResponse((r) => r.url().endsWith(`${api}/targets/${atHead}/schema`) && r.status() === 200);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/fleets/${DEMO_FLEET.name}/targets/${atHead}/erd$`));
  await expect(page.getByTestId('fleet-target-erd-name')).toHaveText(`${DEMO_FLEET.name}/${atHead}`);
  await schemaRead;
  await expect(page.locator('[data-testid^="erd-node-"]').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('layout-progress')).toHaveCount(0, { timeout: 30_000 });
  // Read-only: an environment's named views, exports and table pages are not offered.
  await expect(page.getByTestId('export-menu')).toHaveCount(0);
  await expect(page.getByTestId('named-views')).toHaveCount(0);
  await searchTable(page, 'daily_unrealized');
  await expect(page.getByRole('option').first()).toContainText(newest);
  await page.keyboard.press('Enter');
  const node = page.getByTestId(`erd-node-${newest}`);
  await expect(node).toHaveAttribute('data-highlighted', 'true');
  await expect(node).toBeInViewport();
  await node.click();
  const panel = page.getByTestId('table-panel');
  await expect(panel.getByRole('heading', { name: 'daily_unrealized_pnl' })).toBeVisible();
  await expect(panel.getByRole('link', { name: /Open table page/ })).toHaveCount(0);
  await shot(page, 'fleet-target-erd', false);
  expect(await page.content()).not.toContain('postgres://');

  // A tenant behind is read from its own database: the newest table is not there.
  await page.goto(`/fleets/${DEMO_FLEET.name}/targets/${behind}/erd`);
  await expect(page.locator('[data-testid^="erd-node-"]').first()).toBeVisible({ timeout: 30_000 });
  await searchTable(page, 'daily_unrealized');
  await expect(page.getByRole('option').filter({ hasText: newest })).toHaveCount(0);
  await searchTable(page, 'usage_events');
  await expect(page.getByRole('option').first()).toContainText('platform.usage_events');
  await shot(page, 'fleet-target-erd-behind', false);
  const head = (await (await page.request.get(`${api}/targets/${atHead}/schema`)).json()) as { tables: Array<{ id: string }> };
  const behindModel = (await (await page.request.get(`${api}/targets/${behind}/schema`)).json()) as { tables: Array<{ id: string }> };
  expect(head.tables.map((t) => t.id)).toContain(newest);
  expect(behindModel.tables.map((t) => t.id)).not.toContain(newest);

  // Unknown ones: Next's 404 page, no diagram.
  for (const url of [`/fleets/${DEMO_FLEET.name}/targets/nope/erd`, `/fleets/nowhere/targets/${atHead}/erd`, `/fleets/local/targets/${atHead}/erd`]) {
    const answer = await page.goto(url);
    expect(answer?.status(), url).toBe(404);
  }
});

test('the target schema door: ETag, unknown names 404, names that are not names 400, wildcards only text, no URL, not readable from another site', async ({ page }) => {
  const request = page.request;
  const first = await request.get(`${api}/targets/${atHead}/schema`);
  expect(first.status()).toBe(200);
  expect(first.headers()['cache-control']).toBe('no-store');
  expect(await first.text()).not.toContain('postgres://');
  const etag = first.headers()['etag']!;
  expect(etag).toMatch(/^"/);
  expect((await request.get(`${api}/targets/${atHead}/schema`, { headers: { 'If-None-Match': etag } })).status()).toBe(304);
  // Two callers at once: one read of the target, the same model for both.
  const both = await Promise.all([request.get(`${api}/targets/${atHead}/schema`), request.get(`${api}/targets/${atHead}/schema`)]);
  expect(both.map((a) => a.status())).toEqual([200, 200]);
  expect(both.map((a) => a.headers()['etag'])).toEqual([etag, etag]);

  const answers: Array<[string, number, string]> = [
    [`${api}/targets/nope/schema`, 404, 'unknown_target'],
    // A LIKE wildcard is a name like any other: compared, never matched.
    [`${api}/targets/${encodeURIComponent('strata_tenant_%')}/schema`, 404, 'unknown_target'],
    [`${api}/targets/${encodeURIComponent("x' or '1'='1")}/schema`, 404, 'unknown_target'],
    // The discovery pattern leaves the templates and other databases out.
    [`${api}/targets/strata_template_tenant_head/schema`, 404, 'unknown_target'],
    [`${api}/targets/postgres/schema`, 404, 'unknown_target'],
    ['/api/fleets/nowhere/targets/x/schema', 404, 'unknown_fleet'],
    [`/api/fleets/local/targets/${atHead}/schema`, 404, 'unknown_fleet'],
    [`${api}/targets/${encodeURIComponent('a\u0001b')}/schema`, 400, 'bad_name'],
    [`${api}/targets/${'x'.repeat(400)}/schema`, 400, 'bad_name'],
  ];
  for (const [url, status, error] of answers) {
    const answer = await request.get(url);
    expect(answer.status(), url).toBe(status);
    const body = await answer.json();
    expect(body.error, url).toBe(error);
    expect(JSON.stringify(body)).not.toContain('postgres://');
  }
  // Another site's page may send a GET with the cookie, but no CORS header lets it read the answer.
  const cross = await rawRequest({ method: 'GET', path: `${api}/targets/${atHead}/schema`, from: '127.0.0.24', headers: { cookie: cookieOf('olivia'), origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
  expect(cross.headers['access-control-allow-origin']).toBeUndefined();
});

test.describe('a viewer', () => {
  test.use({ storageState: storageFor('vera') });
  test('reads a target\'s ERD, as any ERD', async ({ page }) => {
    const answer = await page.request.get(`${api}/targets/${atHead}/schema`);
    expect(answer.status()).toBe(200);
    await page.goto(`/fleets/${DEMO_FLEET.name}/targets/${atHead}/erd`);
    await expect(page.locator('[data-testid^="erd-node-"]').first()).toBeVisible({ timeout: 30_000 });
  });
});

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });
  test('is refused: 401 from the door, the sign-in page for the diagram', async ({ page }) => {
    expect((await page.request.get(`${api}/targets/${atHead}/schema`)).status()).toBe(401);
    expect((await page.request.get(`/api/fleets/nowhere/targets/x/schema`)).status()).toBe(401);
    await page.goto(`/fleets/${DEMO_FLEET.name}/targets/${atHead}/erd`);
    await expect(page).toHaveURL(/\/sign-in/);
  });
});
