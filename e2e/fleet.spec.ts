import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { DEMO_FLEET, demoTenantDatabase } from '../lib/config/demo-environments';
import { shot } from './support/screenshot';
import { storageFor } from './support/users';

/**
 * The demo's `tenants` fleet in the browser: counts per state on the home page's card and
 * the fleet page, filters, search, the virtualised list driven by the keyboard, one
 * target's detail; and the fleet's doors attacked. Everything here only reads the
 * tenants (the console's cache of them is all that is written): they are left as found.
 */
// Reading 50 tenants (status and drift against the demo's expected schema) takes a while on 2 shared cores.
test.describe.configure({ timeout: 180_000 });

const journal = JSON.parse(fs.readFileSync(path.resolve('drizzle/demo/migrations/meta/_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
const tags = journal.entries.map((e) => e.tag);
const behind = Array.from({ length: DEMO_FLEET.count }, (_, i) => i + 1).filter((n) => n % DEMO_FLEET.behindEvery === 0);
const firstBehind = demoTenantDatabase(behind[0]!);
const api = `/api/fleets/${DEMO_FLEET.name}`;

/** Waits until the server has read every tenant (the first visit starts that in the background). */
async function readAll(request: APIRequestContext): Promise<Record<string, unknown> & { counts: Record<string, number> }> {
  let body: Record<string, unknown> & { counts: Record<string, number>; refreshing: unknown; unchecked: number } = { counts: {}, refreshing: true, unchecked: 1 };
  await expect
    .poll(
      async () => {
        body = await (await request.get(`${api}?limit=1`)).json();
        return body.refreshing === null && body.unchecked === 0;
      },
      { timeout: 120_000, intervals: [500] },
    )
    .toBe(true);
  return body;
}

async function statesOfTenants(page: Page): Promise<string[]> {
  return page.getByTestId('fleet-target').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state') ?? ''));
}

test('the home page shows the tenants fleet beside the environments, and the fleet page its targets × change sets', async ({ page }) => {
  const summary = await readAll(page.request);
  expect(summary).toMatchObject({ total: DEMO_FLEET.count, unchecked: 0, changeSets: tags });
  expect(summary.counts).toEqual({ failed: 0, 'out-of-order': 0, drifted: 0, pending: behind.length, 'at-head': DEMO_FLEET.count - behind.length, unreachable: 0 });

  await page.goto('/');
  const card = page.getByTestId(`fleet-card-${DEMO_FLEET.name}`);
  await expect(card.getByRole('heading', { level: 3, name: DEMO_FLEET.name })).toBeVisible();
  await expect(card).toContainText(`Fleet of ${DEMO_FLEET.count} targets`);
  await expect(card.getByTestId('fleet-count-pending')).toContainText(String(behind.length));
  await expect(card.getByTestId('fleet-count-at-head')).toContainText(String(DEMO_FLEET.count - behind.length));
  await expect(page.locator('[data-testid^="env-card-"]')).toHaveCount(3);
  await shot(page, 'home-with-fleet');

  await card.getByRole('link', { name: /Targets × change sets/ }).click();
  await expect(page).toHaveURL(new RegExp(`/fleets/${DEMO_FLEET.name}$`));
  await expect(page.getByTestId('fleet-name')).toHaveText(DEMO_FLEET.name);
  await expect(page.getByRole('heading', { name: new RegExp(`^${DEMO_FLEET.count} targets`) })).toContainText(`× ${tags.length} change sets`);
  await expect(page.getByTestId('fleet-state-bar')).toHaveAttribute('aria-label', `${DEMO_FLEET.count} targets: ${behind.length} pending, ${DEMO_FLEET.count - behind.length} at head`);
  // Sorted by state, the most urgent first: the behind tenants lead.
  await expect(page.getByTestId('fleet-target').first()).toHaveAttribute('data-target', firstBehind);
  const columnTotals = await page.getByTestId('column-total').allTextContents();
  expect(columnTotals).toHaveLength(tags.length);
  expect(columnTotals.at(0)).toBe(String(DEMO_FLEET.count));
  expect(columnTotals.at(-1)).toBe(String(DEMO_FLEET.count - behind.length));
  await shot(page, 'fleet-page', false);

  // Filters: pending only, then a search within them.
  await page.getByTestId('filter-pending').click();
  await expect(page.getByTestId('filter-pending')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => statesOfTenants(page)).toEqual(behind.map(() => 'pending'));
  await page.getByTestId('fleet-search').fill(demoTenantDatabase(behind[1]!).slice(-3));
  await expect(page.getByTestId('fleet-target')).toHaveCount(1);
  await expect(page.getByTestId('fleet-target')).toHaveAttribute('data-target', demoTenantDatabase(behind[1]!));
  await page.getByTestId('fleet-search').fill('');
  await page.getByTestId('filter-failed').click();
  await expect(page.getByTestId('fleet-empty')).toHaveText('No target matches.');
  await page.getByTestId('filter-all').click();

  // The keyboard: focus the list, move down, open a target with Enter, close it with Escape.
  await page.getByTestId('fleet-targets').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('fleet-target-detail');
  const second = demoTenantDatabase(behind[1]!);
  await expect(detail.getByRole('heading', { name: second })).toBeFocused();
  await expect(detail.getByTestId('detail-pending').getByRole('listitem')).toHaveCount(DEMO_FLEET.behindBy);
  await expect(detail.getByTestId('detail-pending')).toContainText(tags.at(-1)!);
  await expect(detail.getByTestId('detail-drift')).toContainText('None');
  await expect(detail.getByTestId('detail-history').locator('tbody tr')).toHaveCount(tags.length - DEMO_FLEET.behindBy);
  await shot(page, 'fleet-target-detail', false);
  await page.keyboard.press('Escape');
  await expect(detail).toHaveCount(0);
  await expect(page.getByTestId('fleet-targets')).toBeFocused();

  // End reaches the last row (by state, then name: the last tenant at the head); rows are virtualised.
  const lastAtHead = Math.max(...Array.from({ length: DEMO_FLEET.count }, (_, i) => i + 1).filter((n) => !behind.includes(n)));
  await page.keyboard.press('End');
  await expect(page.locator(`[data-testid="fleet-target"][data-target="${demoTenantDatabase(lastAtHead)}"]`)).toBeVisible();
  expect(await page.getByTestId('fleet-target').count()).toBeLessThanOrEqual(DEMO_FLEET.count);

  const html = await page.content();
  expect(html).not.toContain('postgres://');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'fleet-page-mobile');
});

test.describe('a viewer', () => {
  test.use({ storageState: storageFor('vera') });
  test('reads the fleet and a target', async ({ page }) => {
    await readAll(page.request);
    expect((await page.request.get(api)).status()).toBe(200);
    const target = await page.request.get(`${api}/targets/${firstBehind}`);
    expect(target.status()).toBe(200);
    const body = await target.json();
    expect(body).toMatchObject({ fleet: DEMO_FLEET.name, overview: { target: firstBehind, state: 'pending', pending: DEMO_FLEET.behindBy } });
    expect(JSON.stringify(body)).not.toContain('postgres://');
    await page.goto(`/fleets/${DEMO_FLEET.name}`);
    await expect(page.getByTestId('fleet-target').first()).toBeVisible();
  });
});

test.describe('the fleet doors', () => {
  test.use({ storageState: { cookies: [], origins: [] } });
  test('refuse the signed-out: 401, and the page sends them to sign in', async ({ page }) => {
    for (const url of [api, `${api}/targets/${firstBehind}`, `${api}?state=failed`]) {
      const answer = await page.request.get(url);
      expect(answer.status(), url).toBe(401);
      expect(await answer.json()).toEqual({ code: 'UNAUTHENTICATED', message: 'Sign in first.' });
    }
    await page.goto(`/fleets/${DEMO_FLEET.name}`);
    await expect(page).toHaveURL(/\/sign-in/);
  });
});

test('unknown fleets and targets are 404, bad queries 400, and a search is only ever text', async ({ page }) => {
  const request = page.request;
  await readAll(request);
  const before = await (await request.get(`${api}?limit=1000&sort=name`)).json();

  expect((await request.get('/api/fleets/nope')).status()).toBe(404);
  expect(await (await request.get('/api/fleets/nope')).json()).toMatchObject({ code: 'NOT_FOUND', message: 'Unknown fleet "nope"' });
  expect((await request.get('/api/fleets/local')).status()).toBe(404);
  const noTarget = await request.get(`${api}/targets/strata_tenant_999`);
  expect(noTarget.status()).toBe(404);
  expect((await noTarget.json()).message).toBe(`Fleet "${DEMO_FLEET.name}" has no target "strata_tenant_999"`);
  expect((await request.get(`${api}/targets/postgres`)).status()).toBe(404);
  expect((await request.get(`/fleets/nope`)).status()).toBe(404);

  for (const [query, problem] of [
    ['limit=0', /limit/],
    ['limit=5000', /limit/],
    ['offset=-1', /offset/],
    ['limit=ten', /limit/],
    ['sort=target;drop', /sort/],
    ['state=broken', /state/],
    ['order=sideways', /order/],
    ['refresh=yes', /refresh/],
    ['color=red', /color|Unrecognized/i],
    [`search=${'x'.repeat(101)}`, /search/],
  ] as const) {
    const answer = await request.get(`${api}?${query}`);
    expect(answer.status(), query).toBe(400);
    const body = await answer.json();
    expect(body.code, query).toBe('BAD_USAGE');
    expect(body.message, query).toMatch(problem);
  }

  for (const search of ["' or 1=1 --", "'; drop table console.fleet_targets; --", '%', '_', 'tenant_0%5']) {
    const answer = await request.get(`${api}?${new URLSearchParams({ search })}`);
    expect(answer.status(), search).toBe(200);
    expect((await answer.json()).matched, search).toBe(search === '_' ? DEMO_FLEET.count : 0);
  }
  const after = await (await request.get(`${api}?limit=1000&sort=name`)).json();
  expect(after.counts).toEqual(before.counts);
  expect(after.targets.map((t: { target: string }) => t.target)).toEqual(before.targets.map((t: { target: string }) => t.target));

  // Two at once: both answered, from the same cache.
  const [a, b] = await Promise.all([request.get(`${api}?refresh=1`), request.get(`${api}?refresh=1`)]);
  expect([a.status(), b.status()]).toEqual([200, 200]);
  await readAll(request);
});
