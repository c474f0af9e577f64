import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';

/**
 * First start of the embedded demo: local is fully migrated, staging is 5 change sets
 * behind and production 10 (lib/config/demo-environments.ts). Expected versions come from
 * the demo journal itself, so adding a change set does not break this journey.
 */
const journal = JSON.parse(fs.readFileSync(path.resolve('drizzle/demo/migrations/meta/_journal.json'), 'utf8')) as {
  entries: Array<{ tag: string }>;
};
const tags = journal.entries.map((e) => e.tag);
const expected = [
  { name: 'local', protection: 'open', pending: 0, tag: tags[tags.length - 1]!, position: tags.length },
  { name: 'staging', protection: 'guarded', pending: 5, tag: tags[tags.length - 6]!, position: tags.length - 5 },
  { name: 'production', protection: 'protected', pending: 10, tag: tags[tags.length - 11]!, position: tags.length - 10 },
];

/** The embedded superuser's password, generated on this fresh start: it must appear nowhere. */
function embeddedPassword(): string {
  const saved = JSON.parse(fs.readFileSync(path.resolve('.strata/e2e/credentials.json'), 'utf8')) as { password: string };
  expect(saved.password.length).toBeGreaterThan(8);
  return saved.password;
}

test('home shows every environment in pipeline order with its schema version and pending work', async ({ page }) => {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle('Strata');
  await expect(page.getByRole('heading', { level: 1, name: 'Strata' })).toBeVisible();

  const cards = page.locator('[data-testid^="env-card-"]');
  await expect(cards).toHaveCount(3);
  await expect(cards.nth(0)).toHaveAttribute('data-testid', 'env-card-local');
  await expect(cards.nth(1)).toHaveAttribute('data-testid', 'env-card-staging');
  await expect(cards.nth(2)).toHaveAttribute('data-testid', 'env-card-production');

  for (const env of expected) {
    const card = page.getByTestId(`env-card-${env.name}`);
    await expect(card.getByRole('heading', { level: 3, name: env.name })).toBeVisible();
    await expect(card.getByTestId('reachability')).toHaveText('Reachable');
    await expect(card.getByTestId('schema-version')).toHaveText(env.tag);
    await expect(card).toContainText(`${env.position} of ${tags.length} change sets`);
    await expect(card.getByTestId('count-pending')).toHaveText(String(env.pending));
    await expect(card.getByTestId('count-failed')).toHaveText('0');
    await expect(card.getByTestId('protection')).toContainText(env.protection);
    await expect(card.getByRole('meter')).toHaveAttribute('aria-valuenow', String(tags.length - env.pending));
    await expect(card).toContainText(/ago|just now/);
  }

  const html = await page.content();
  expect(html).not.toContain('postgres://');
  expect(html).not.toContain(embeddedPassword());

  fs.mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: 'test-results/screenshots/home.png', fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: 'test-results/screenshots/home-mobile.png', fullPage: true });
});

test('GET /api/health reports the same versions, with no connection string or password', async ({ request }) => {
  const response = await request.get('/api/health');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('application/json');
  expect(response.headers()['cache-control']).toContain('no-store');

  const text = await response.text();
  expect(text).not.toContain('postgres://');
  expect(text).not.toContain(embeddedPassword());

  const body = JSON.parse(text) as { status: string; checkedAt: string; environments: Array<Record<string, unknown>> };
  expect(body.status).toBe('ok');
  expect(Number.isNaN(Date.parse(body.checkedAt))).toBe(false);
  expect(body.environments.map((e) => e.name)).toEqual(expected.map((e) => e.name));
  for (const [i, env] of expected.entries()) {
    expect(body.environments[i]).toMatchObject({
      name: env.name,
      protection: env.protection,
      reachable: true,
      schemaVersion: env.tag,
      schemaVersionIndex: env.position - 1,
      totalChangeSets: tags.length,
      pending: env.pending,
      failed: 0,
      error: null,
    });
  }
});

test('GET /api/metrics serves Prometheus text', async ({ request }) => {
  const response = await request.get('/api/metrics');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toMatch(/^text\/plain/);
  expect(response.headers()['cache-control']).toContain('no-store');
  const body = await response.text();
  expect(body).toContain('strata_changeset_runs_total');
  expect(body).toContain('strata_schema_version');
  for (const env of expected) {
    expect(body).toContain(`strata_schema_version{env="${env.name}",tag="${env.tag}"} ${env.position - 1}`);
  }
  expect(body).not.toContain(embeddedPassword());
});

test('an unknown address gets a friendly 404', async ({ page }) => {
  const response = await page.goto('/no-such-page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Back to environments' })).toHaveAttribute('href', '/');
});
