import { expect, test, type APIRequestContext } from '@playwright/test';
import { embeddedSql } from './support/embedded-sql';
import { lastLine, reviewedPlan } from './support/plan';
import { shot } from './support/screenshot';
import { storageFor } from './support/users';

/**
 * (Named to run after operations.spec.ts, which expects 0015 never to have run.)
 * Nothing lost: on staging (guarded, policy `destructive`), rolling back a change set whose
 * tables hold rows copies and verifies them first; after re-applying it, the backup is
 * restored from the environment page — a dry run says what it would write, confirming writes
 * it — and the rows are back, identical. Staging ends as it started (0014, 5 pending).
 */
test.describe.configure({ mode: 'serial' });

const RISK_V1 = '0015_risk_v1';


async function run(request: APIRequestContext, direction: 'apply' | 'rollback') {
  const body = direction === 'apply'
    ? { kind: 'run', direction, to: RISK_V1, confirm: 'staging', expect: reviewedPlan([RISK_V1], 'apply') }
    : { kind: 'run', direction, steps: 1, confirm: 'staging', expect: reviewedPlan([RISK_V1], 'rollback') };
  const line = await lastLine(await request.post('/api/environments/staging/operations', { data: body }));
  expect(line, JSON.stringify(line)).toMatchObject({ type: 'result', result: { failed: null } });
  return line.result as { backups: Array<{ id: string; changeSet: string; verified: boolean; tables: Array<{ source: string; rows: number }> }> };
}

const digestSql = `select count(*)::int as n, md5(coalesce(string_agg(md5(t::text), ',' order by t.id), '')) as d from risk.daily_pnl t`;

test('a rollback that drops rows is backed up first, and the backup is restored from the environment page', async ({ page, request }) => {
  test.setTimeout(120_000);
  const sql = embeddedSql('strata_staging');
  try {
    await run(request, 'apply');
    await sql`insert into risk.daily_pnl (account_id, date, realized_pnl, trade_count) select g % 7, date '2026-01-01' + g, g * 1.5, g from generate_series(1, 250) g`;
    const [before] = await sql.unsafe(digestSql);
    expect(before!.n).toBe(250);

    const rolledBack = await run(request, 'rollback');
    expect(rolledBack.backups).toHaveLength(1);
    const backup = rolledBack.backups[0]!;
    expect(backup).toMatchObject({ changeSet: RISK_V1, verified: true });
    expect(backup.tables).toEqual([expect.objectContaining({ source: 'risk.daily_pnl', rows: 250 })]);
    await run(request, 'apply');

    await page.goto(`/environments/staging#${backup.id}`);
    const row = page.locator(`[data-testid="backup-row"][data-backup="${backup.id}"]`);
    await expect(row).toContainText(RISK_V1);
    await expect(row).toContainText('risk.daily_pnl');
    await expect(row).toContainText('verified');
    await expect(page.getByTestId('backup-policy')).toContainText('Policy destructive');
    await shot(page, 'environment-backups');

    await row.getByTestId('restore-button').click();
    const dialog = page.getByTestId('restore-dialog');
    await expect(dialog.getByTestId('target-banner')).toContainText('staging');
    const outcome = dialog.getByTestId('restore-outcome');
    await expect(outcome).toHaveAttribute('data-written', 'false', { timeout: 30_000 });
    await expect(outcome.getByTestId('restore-table')).toContainText('risk.daily_pnl');
    await expect(outcome.getByTestId('restore-table')).toContainText('250');
    await shot(page, 'restore-dry-run', false);
    // The dry run wrote nothing.
    expect((await sql.unsafe(digestSql))[0]!.n).toBe(0);

    await dialog.getByTestId('confirm-restore').click();
    await expect(dialog.locator('[data-testid="restore-outcome"][data-written="true"]')).toBeVisible({ timeout: 30_000 });
    await shot(page, 'restore-done', false);
    const [after] = await sql.unsafe(digestSql);
    expect(after).toEqual(before);
    await dialog.getByTestId('close-restore').click();
  } finally {
    // Back to the first start's state for later specs: 0015 pending again.
    const [applied] = await sql`select exists (select 1 from pg_namespace where nspname = 'risk') as yes`;
    if (applied?.yes) await run(request, 'rollback');
    await sql.end();
  }
});

test.describe('as a viewer', () => {
  test.use({ storageState: storageFor('vera') });
  test('the backups are listed, without a Restore button', async ({ page }) => {
    await page.goto('/environments/staging');
    await expect(page.getByTestId('backup-row').first()).toBeVisible();
    await expect(page.getByTestId('restore-button')).toHaveCount(0);
  });
});
