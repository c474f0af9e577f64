import fs from 'node:fs';
import { expect, test } from '@playwright/test';

/**
 * Lint findings on the change set page, judged against the environment: 0008 adds NOT NULL
 * columns without a default to lifegraph.documents, which the local environment's seed has
 * filled, so there it is an error; the document's plain CREATE INDEX statements are silenced
 * in strata-lint.json with the reason, and shown as such.
 */
test('the change set page shows lint findings above the statements they concern, with why and the safer alternative', async ({ page }) => {
  fs.mkdirSync('test-results/screenshots', { recursive: true });
  // Seeding is idempotent: afterwards lifegraph.documents has rows, whatever ran before.
  const seeded = await page.request.post('/api/environments/local/seed', { data: { reset: false, confirm: 'local' } });
  expect(seeded.status()).toBe(200);
  expect((await seeded.text()).trim().split('\n').map((l) => JSON.parse(l)).at(-1).type).toBe('result');
  await page.goto('/environments/local/changesets/0008_lifegraph_enhance_documents');
  const summary = page.getByTestId('lint-summary');
  await expect(summary).toContainText(/judged against local \(PostgreSQL \d+, its live row counts\)/);
  const notNull = page.locator('[data-testid="lint-finding"][data-rule="add-not-null-column-without-default"]').first();
  await expect(notNull).toContainText('NOT NULL column source is added to lifegraph.documents without a default');
  // The table has rows on local, so the statement would fail there: an error, not a warning.
  await expect(notNull).toHaveAttribute('data-severity', 'error');
  await expect(notNull).toHaveAttribute('data-silenced', 'false');
  await notNull.getByText('Why, and the safer alternative').click();
  await expect(notNull).toContainText('Instead:');
  const silenced = page.locator('[data-testid="lint-finding"][data-rule="create-index-without-concurrently"]').first();
  await expect(silenced).toHaveAttribute('data-silenced', 'true');
  await expect(silenced).toContainText("Document 002's migration 003");
  // The SQL is all there, line numbers intact, with the findings between its statements.
  const forward = page.getByRole('figure', { name: /Forward SQL of 0008_lifegraph_enhance_documents/ });
  await expect(forward.first()).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/changeset-lint.png', fullPage: true });
});
