import { expect, test } from '@playwright/test';
import { embeddedSql } from './support/embedded-sql';
import { lastLine, reviewedPlan } from './support/plan';
import { shot } from './support/screenshot';

/**
 * The demo's batched backfill (0019 fills platform.usage_events.total_tokens with a
 * `-- strata:batched size=5000 pause=10ms` UPDATE) applied from the browser on local, with
 * 200,000 more usage events so that it takes a few seconds: the run's progress shows the
 * batches, rows, rows per second and ETA while it runs; every row is filled once it ends.
 * Local is left as it was: 0019 applied, the extra rows deleted.
 */
const TAG = '0019_platform_usage_events_total_tokens';
const EXTRA_ROWS = 200_000;

test('a batched backfill shows its batches, rows per second and ETA while it runs, and fills every row', async ({ page }) => {
  test.setTimeout(180_000);
  const back = await page.request.post('/api/environments/local/operations', { data: { kind: 'run', direction: 'rollback', steps: 1, confirm: 'local', expect: reviewedPlan([TAG], 'rollback') } });
  expect((await lastLine(back)).type).toBe('result');

  const sql = embeddedSql('strata_local');
  try {
    // Rows for the backfill (local starts unseeded), under an organization and a model of their own, all removed after.
    const [inserted] = await sql.unsafe(`
      with o as (insert into platform.organizations (name, slug) values ('e2e batched', 'e2e-batched') returning id),
      m as (insert into platform.models (name, version, provider) values ('e2e-batched', '1', 'e2e') returning id),
      added as (
        insert into platform.usage_events (organization_id, model_id, request_id, input_tokens, output_tokens, status, occurred_at)
        select o.id, m.id, 'e2e-batched-' || g, g % 900, g % 300, 'ok', timestamptz '2026-03-01' + (g % 8000) * interval '1 hour'
        from generate_series(1, ${EXTRA_ROWS}) g, o, m
        returning 1)
      select count(*)::int as n from added`);
    expect(inserted!.n).toBe(EXTRA_ROWS);
    await sql.unsafe('analyze platform.usage_events');
    const [{ n: total }] = (await sql`select count(*)::int as n from platform.usage_events`) as unknown as [{ n: number }];

    await page.goto('/environments/local');
    await page.getByRole('button', { name: 'Apply 1 pending' }).click();
    const dialog = page.getByTestId('operation-dialog');
    await expect(dialog.getByTestId('dry-run-view')).toBeVisible({ timeout: 60_000 });
    // The dry run estimates the batches before anything runs.
    await dialog.getByRole('tab', { name: /^Statements/ }).click();
    await expect(dialog.getByTestId('statement-batches')).toContainText(/batches of 5,000 rows/);
    await shot(page, 'batched-dry-run', false);
    await dialog.getByTestId('confirm-operation').click();

    const batch = dialog.getByTestId('run-progress-batch');
    await expect(batch).toBeVisible({ timeout: 60_000 });
    await expect(batch).toContainText(/batch [\d,]+ of [\d,]+/);
    await expect(batch).toContainText(/rows\/s/);
    await expect(batch).toContainText(/about .* left/); // the ETA
    await shot(page, 'batched-progress', false);

    await expect(dialog.getByTestId('run-outcome')).toHaveAttribute('data-failed', 'false', { timeout: 120_000 });
    await shot(page, 'batched-done', false);
    const [{ filled, wrong }] = (await sql`
      select count(*) filter (where total_tokens is not null)::int as filled, count(*) filter (where total_tokens <> input_tokens + output_tokens)::int as wrong
      from platform.usage_events`) as unknown as [{ filled: number; wrong: number }];
    expect({ filled, wrong }).toEqual({ filled: total, wrong: 0 });
  } finally {
    await sql.unsafe(`delete from platform.usage_events where request_id like 'e2e-batched-%'`);
    await sql.unsafe(`delete from platform.organizations where slug = 'e2e-batched'`);
    await sql.unsafe(`delete from platform.models where name = 'e2e-batched'`);
    await sql.end();
    // A failure above must not leave local behind for the specs after this one.
    const status = await (await page.request.get('/api/health')).json();
    if ((status.environments as Array<{ name: string; pending: number }>).find((e) => e.name === 'local')!.pending > 0) {
      await page.request.post('/api/environments/local/operations', { data: { kind: 'run', direction: 'apply', confirm: 'local', expect: reviewedPlan([TAG], 'apply') } });
    }
  }
  const health = await (await page.request.get('/api/health')).json();
  expect((health.environments as Array<{ name: string; pending: number }>).find((e) => e.name === 'local')!.pending).toBe(0);
});
