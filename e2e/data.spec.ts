import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { embeddedSql } from './support/embedded-sql';

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
