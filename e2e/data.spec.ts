import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { embeddedSql } from './support/embedded-sql';
import { storageFor } from './support/users';

/**
 * Local developers: Reset with one button and watch it to the end; the Retention page shows
 * each table's policy against live figures; classification shows on the table page. Seed and
 * reset are refused on guarded and protected environments, whoever asks.
 */
test.describe.configure({ mode: 'serial' });

const shot = (name: string) => `test-results/screenshots/${name}.png`;

async function rowCounts(database: string): Promise<string[]> {
  const sql = embeddedSql(database);
  try {
    const tables = await sql`
      select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname in ('platform', 'dataservice', 'lifegraph', 'files', 'risk') order by 1`;
    const counts = await sql.unsafe(tables.map((t) => `select '${t.name}' as t, count(*)::int as n from ${t.name}`).join(' union all '));
    return counts.map((c) => `${c.t}=${c.n}`);
  } finally {
    await sql.end();
  }
}

test('Reset on local: progress table by table to the end, then the data is there', async ({ page }) => {
  fs.mkdirSync('test-results/screenshots', { recursive: true });
  await page.goto('/environments/local');
  await page.getByTestId('reset-button').click();
  const dialog = page.getByTestId('seed-dialog');
  await expect(dialog.getByTestId('target-banner')).toContainText('local');
  await dialog.getByTestId('confirm-seed').click();
  await expect(dialog.getByRole('status')).toContainText(/^Done: [\d,]+ rows in \d+ tables/, { timeout: 60_000 });
  await expect(dialog.getByRole('progressbar', { name: 'Seed progress' })).toHaveAttribute('aria-valuenow', '100');
  expect(await dialog.getByTestId('seed-table').count()).toBeGreaterThanOrEqual(5);
  await page.screenshot({ path: shot('reset-local') });
  await dialog.getByTestId('close-seed').click();
  const counts = await rowCounts('strata_local');
  expect(counts.find((c) => c.startsWith('platform.organizations='))).not.toBe('platform.organizations=0');
  expect(counts.find((c) => c.startsWith('dataservice.ds_uploads='))).not.toBe('dataservice.ds_uploads=0');
});

/** Waits for the seed dialog's run to end, then closes it. */
async function finishSeed(page: Page, screenshot?: string) {
  const dialog = page.getByTestId('seed-dialog');
  await expect(dialog.getByRole('status')).toContainText(/^Done: [\d,]+ rows in \d+ tables/, { timeout: 60_000 });
  await expect(dialog.getByRole('progressbar', { name: 'Seed progress' })).toHaveAttribute('aria-valuenow', '100');
  if (screenshot) await page.screenshot({ path: shot(screenshot) });
  await dialog.getByTestId('close-seed').click();
  await expect(dialog).toHaveCount(0);
}

test('seed one table from its table page and from the ERD panel; Reset… lists what its cascade empties first', async ({ page }) => {
  test.setTimeout(120_000);
  const seeded = await rowCounts('strata_local');
  const count = async (table: string) => (await rowCounts('strata_local')).find((c) => c.startsWith(`${table}=`));
  const sql = embeddedSql('strata_local');
  try {
    await sql`delete from lifegraph.commitments`;
  } finally {
    await sql.end();
  }
  expect(await count('lifegraph.commitments')).toBe('lifegraph.commitments=0');

  // The table page: Seed writes the table and the parents its foreign keys need, with the same progress as a whole seed.
  await page.goto('/environments/local/tables/lifegraph.commitments');
  await page.getByTestId('table-seed-button').click();
  const dialog = page.getByTestId('seed-dialog');
  await expect(dialog.getByTestId('target-banner')).toContainText('local');
  await expect(dialog.getByTestId('seed-writes').getByRole('listitem')).toHaveText(['lifegraph.parties', 'lifegraph.roles', 'lifegraph.commitments']);
  await page.screenshot({ path: shot('seed-table-dialog') });
  await dialog.getByTestId('confirm-seed').click();
  await expect(dialog.getByTestId('seed-table')).toHaveCount(3, { timeout: 60_000 });
  await finishSeed(page, 'seed-table-done');
  expect(await rowCounts('strata_local')).toEqual(seeded);
  await page.screenshot({ path: shot('seed-table-page'), fullPage: true });

  // Reset…: the dialog lists what TRUNCATE … CASCADE also empties before anything is confirmed; Cancel changes nothing.
  await page.goto('/environments/local/tables/platform.users');
  await page.getByTestId('table-reset-button').click();
  await expect(dialog.getByTestId('seed-also-empties').getByRole('listitem')).toHaveText(['platform.api_keys', 'platform.usage_events']);
  await expect(dialog.getByTestId('confirm-seed')).toHaveText('Empty 3 tables and reseed platform.users');
  await page.screenshot({ path: shot('reset-table-dialog') });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect(await rowCounts('strata_local')).toEqual(seeded);

  // Reset lifegraph.roles: commitments (which references it) is emptied with it…
  await page.goto('/environments/local/tables/lifegraph.roles');
  await page.getByTestId('table-reset-button').click();
  await expect(dialog.getByTestId('seed-also-empties').getByRole('listitem')).toHaveText(['lifegraph.commitments']);
  await dialog.getByTestId('confirm-seed').click();
  await finishSeed(page);
  expect(await rowCounts('strata_local')).toEqual(seeded.map((c) => (c.startsWith('lifegraph.commitments=') ? 'lifegraph.commitments=0' : c)));

  // …and the ERD's table panel seeds it back.
  await page.goto('/environments/local/erd');
  const search = page.getByRole('combobox', { name: 'Search tables and columns' });
  await search.fill('lifegraph.commitments');
  await expect(page.getByRole('option').first()).toContainText('lifegraph.commitments');
  await search.press('Enter');
  await page.getByTestId('erd-node-lifegraph.commitments').click();
  const panel = page.getByTestId('table-panel');
  await expect(panel.getByRole('heading', { name: 'commitments' })).toBeVisible();
  await page.screenshot({ path: shot('seed-erd-panel') });
  await panel.getByTestId('table-seed-button').click();
  await dialog.getByTestId('confirm-seed').click();
  await expect(dialog.getByRole('status')).toContainText(/^Done: [\d,]+ rows in 3 tables/, { timeout: 60_000 });
  await page.screenshot({ path: shot('seed-erd-done') });
  // Escape belongs to the dialog: it closes, and the panel stays open under it.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(panel).toBeVisible();
  expect(await rowCounts('strata_local')).toEqual(seeded);

  // Two people seeding the same table at once: both end (one may wait out the other's lock), nothing is duplicated.
  const [a, b] = await Promise.all(
    [0, 1].map(async () => (await page.request.post('/api/environments/local/seed', { data: { reset: false, confirm: 'local', table: 'lifegraph.commitments' } })).text()),
  );
  for (const answer of [a!, b!]) expect(JSON.parse(answer.trim().split('\n').at(-1)!), answer).toMatchObject({ type: expect.stringMatching(/^(result|error)$/) });
  expect([a, b].some((answer) => JSON.parse(answer!.trim().split('\n').at(-1)!).type === 'result')).toBe(true);
  expect(await rowCounts('strata_local')).toEqual(seeded);

  // The operation record names the table, with the same progress bar as a whole seed.
  const { id } = JSON.parse(a!.trim().split('\n')[0]!) as { id: number };
  await page.goto(`/operations/${id}`);
  await expect(page.getByTestId('operation').getByRole('heading', { level: 2 })).toHaveText('Seed lifegraph.commitments on local');
  await page.screenshot({ path: shot('seed-table-operation') });
});

test('a table page says why its Seed buttons are disabled: guarded staging, or a viewer', async ({ page, browser }) => {
  await page.goto('/environments/staging/tables/platform.users');
  await expect(page.getByTestId('table-seed-button')).toBeDisabled();
  await expect(page.getByTestId('table-reset-button')).toBeDisabled();
  await expect(page.getByTestId('table-seed-unavailable')).toHaveText('staging is guarded: only open environments can be seeded.');
  await page.screenshot({ path: shot('seed-table-staging') });
  const vera = await browser.newContext({ storageState: storageFor('vera') });
  const veraPage = await vera.newPage();
  await veraPage.goto('/environments/local/tables/platform.users');
  await expect(veraPage.getByTestId('table-seed-button')).toBeDisabled();
  await expect(veraPage.getByTestId('table-seed-unavailable')).toHaveText('viewer may not seed databases; it needs developer.');
  await vera.close();
});

test('seed and reset are refused on staging and production, whoever asks, and nothing changes', async ({ request, page }) => {
  for (const env of ['staging', 'production']) {
    const before = await rowCounts(`strata_${env}`);
    for (const reset of [false, true]) {
      const response = await request.post(`/api/environments/${env}/seed`, { data: { reset, confirm: env } });
      expect(response.status(), `${env} reset=${reset}`).toBe(403);
      expect((await response.json()).message).toMatch(/only allowed on open environments|may not|protected|guarded/);
    }
    expect(await rowCounts(`strata_${env}`)).toEqual(before);
    await page.goto(`/environments/${env}`);
    await expect(page.getByTestId('seed-actions')).toHaveCount(0);
  }
});

test('the Retention page shows ds_uploads’ 90-day rule with its live figures, and coverage', async ({ page }) => {
  await page.goto('/environments/local/retention');
  await expect(page.getByTestId('retention-coverage')).toContainText(/\d+ of \d+ tables have a policy/);
  const uploads = page.locator('[data-testid="retention-row"][data-table="dataservice.ds_uploads"]');
  await expect(uploads.getByTestId('retention-policy')).toContainText('90 days');
  // Live rows are kept; deleted ones for 90 days: the grace count is the live database's own.
  await expect(uploads.getByTestId('past-retention')).toHaveText('—');
  const sql = embeddedSql('strata_local');
  try {
    const [{ n }] = await sql`select count(*)::int as n from dataservice.ds_uploads where deleted_at < now() - interval '90 days'`;
    expect(n).toBeGreaterThan(0);
    await expect(uploads.getByTestId('deleted-past-grace')).toHaveText(String(n));
  } finally {
    await sql.end();
  }
  await uploads.getByTestId('purge-preview').locator('summary').click();
  await expect(uploads.getByTestId('purge-preview')).toContainText('DELETE FROM "dataservice"."ds_uploads"');
  await page.screenshot({ path: shot('retention-local') });
  await page.screenshot({ path: shot('retention-local-full'), fullPage: true });
});

test('classification shows on the table page', async ({ page }) => {
  await page.goto('/environments/local/tables/dataservice.ds_users');
  await expect(page.getByTestId('classification').first()).toContainText(/PII|FERPA/);
  await expect(page.getByTestId('table-retention')).toHaveText('indefinite (soft delete)');
  await page.goto('/environments/local/tables/dataservice.ds_uploads');
  await expect(page.getByTestId('table-retention')).toHaveText('90 days after deletion · soft delete');
});
