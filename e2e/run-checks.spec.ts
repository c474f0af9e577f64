import { expect, test } from '@playwright/test';
import { embeddedSql } from './support/embedded-sql';
import { lastLine, reviewedPlan } from './support/plan';
import { shot } from './support/screenshot';
import { strataCli } from './support/users';

/**
 * Checks (drizzle/demo/checks) on staging: a dry run lists each check of what it would apply;
 * a check that fails shows in the dry run, the operation's outcome, the environment page's
 * reason and the history, naming the check file and its comment. Named to run after
 * operations.spec, which expects 0015 never run: this spec's real run leaves history rows on
 * 0015 and 0016 (both end rolled back, as operations.spec's own runs leave them) and staging at
 * 0014 with 5 pending.
 */
test.describe.configure({ mode: 'serial' });


const SCHEMA_VERSION_CHECK = 'Document 001, Phase 4 check 1: the schema version (the highest successful one) is 2';

async function pending(request: import('@playwright/test').APIRequestContext): Promise<number> {
  const body = await (await request.get('/api/health')).json();
  return (body.environments as Array<{ name: string; pending: number }>).find((e) => e.name === 'staging')!.pending;
}

test("a dry run on staging runs the checks of what it would apply and lists each as passed", async ({ page }) => {
  await page.goto('/environments/staging');
  await page.getByRole('button', { name: 'Apply 5 pending' }).click();
  const dialog = page.getByTestId('operation-dialog');
  await expect(dialog.getByTestId('dry-run-view')).toHaveAttribute('data-failed', 'false', { timeout: 30_000 });
  const checks = dialog.getByTestId('dry-run-check');
  // 0016: one before-check and seven after it (document 001's Phases 0, 1 and 4); 0017: two.
  await expect(checks).toHaveCount(10);
  await expect(dialog.locator('[data-testid="dry-run-check"][data-status="passed"]')).toHaveCount(10);
  await expect(dialog.getByTestId('dry-run-checks')).toContainText(SCHEMA_VERSION_CHECK);
  await dialog.getByTestId('dry-run-checks').scrollIntoViewIfNeeded();
  await shot(page, 'staging-dry-run-checks', false);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  // The change set's page shows its checks file beside its forward and rollback SQL.
  await page.goto('/environments/staging/changesets/16');
  const checksFile = page.getByTestId('changeset-checks');
  await expect(checksFile).toContainText('Checks · checks/0016_risk_v2.sql');
  await expect(page.getByRole('figure', { name: /Checks of 0016_risk_v2/ })).toContainText(SCHEMA_VERSION_CHECK);
  await checksFile.scrollIntoViewIfNeeded();
  await shot(page, 'changeset-0016-checks', false);
});

test('a failing check: the dry run, the outcome, the environment page and the history name it, and staging stays at the change set before', async ({ page, request }) => {
  // Four change sets dry-run on staging (0019's backfill among them), a failed run, a CLI resolve and a rollback: more than 30 s on a busy machine.
  test.setTimeout(90_000);
  const first = await request.post('/api/environments/staging/operations', { data: { kind: 'run', direction: 'apply', to: '0015_risk_v1', confirm: 'staging', expect: reviewedPlan(['0015_risk_v1'], 'apply') } });
  expect((await lastLine(first)).type).toBe('result');
  const sql = embeddedSql('strata_staging');
  try {
    // Someone made risk.schema_version by hand, with a version 3: 0016 keeps it (CREATE TABLE IF
    // NOT EXISTS, ON CONFLICT DO NOTHING), and its check that the schema version is 2 fails.
    await sql`create table risk.schema_version (version integer primary key, applied_at timestamp not null, description text not null, migration_script text, rollback_script text, execution_time_ms integer, success boolean not null default true, error_message text)`;
    await sql`insert into risk.schema_version (version, applied_at, description) values (3, '2026-12-01', 'v3, from another tool')`;

    await page.goto('/environments/staging');
    await page.getByRole('button', { name: 'Apply 4 pending' }).click();
    const dialog = page.getByTestId('operation-dialog');
    const failure = dialog.getByTestId('dry-run-failure');
    await expect(failure).toContainText('0016_risk_v2 would fail its check', { timeout: 30_000 });
    await expect(failure.getByTestId('check-comment')).toHaveText(SCHEMA_VERSION_CHECK);
    await expect(failure).toContainText('checks/0016_risk_v2.sql:18');
    await expect(failure.getByTestId('check-rows')).toContainText('schema_version');
    await expect(failure.getByTestId('check-rows').locator('td')).toHaveText(['3']);
    await expect(dialog.locator('[data-testid="dry-run-check"][data-status="not_run"]')).toHaveCount(6);
    await shot(page, 'staging-dry-run-check-failed', false);
    await page.keyboard.press('Escape');

    // The real run (the console will not confirm a failed dry run; the API runs it): failed, undone.
    const run = await request.post('/api/environments/staging/operations', {
      data: { kind: 'run', direction: 'apply', confirm: 'staging', expect: reviewedPlan(['0016_risk_v2', '0017_risk_daily_unrealized_pnl', '0018_platform_usage_events_fk_indexes', '0019_platform_usage_events_total_tokens'], 'apply') },
    });
    const lines = (await run.text()).trim().split('\n').map((l) => JSON.parse(l));
    const id = lines[0].id as number;
    expect(lines.at(-1).result.failed.error.check).toMatchObject({ comment: SCHEMA_VERSION_CHECK, rowCount: 1, rows: [['3']] });
    const [{ n }] = await sql`select count(*)::int as n from pg_indexes where schemaname = 'risk' and indexname = 'idx_enforcement_log_success'`;
    expect(n).toBe(0);

    await page.goto(`/operations/${id}`);
    const outcome = page.getByTestId('run-outcome');
    await expect(outcome).toHaveAttribute('data-failed', 'true');
    await expect(outcome.getByTestId('check-comment')).toHaveText(SCHEMA_VERSION_CHECK);
    await expect(outcome).toContainText('Its transaction was rolled back; nothing of it is in place.');
    await shot(page, 'operation-check-failed');

    await page.goto('/environments/staging');
    await expect(page.getByTestId('environment-name')).toBeVisible();
    const blocked = page.locator('[data-testid="attention-item"][data-state="failed"]');
    await expect(blocked).toContainText(`checks/0016_risk_v2.sql:18 "${SCHEMA_VERSION_CHECK}"`);
    await expect(blocked).toContainText('schema_version=3');
    await expect(page.getByTestId('history-error-detail').first()).toContainText('1 row returned');
    await shot(page, 'staging-check-failed');
  } finally {
    // Put staging back: settle the failure, drop the hand-made table, roll 0015 back.
    await strataCli(['resolve', '0016_risk_v2', '--env', 'staging', '--as', 'rolled-back', '--reason', 'e2e: the check failure was shown']);
    await sql`drop table if exists risk.schema_version`;
    await sql.end();
    const back = await request.post('/api/environments/staging/operations', { data: { kind: 'run', direction: 'rollback', to: '0014_files_workspace_scope_backfill', confirm: 'staging', expect: reviewedPlan(['0015_risk_v1'], 'rollback') } });
    expect((await lastLine(back)).type).toBe('result');
  }
  expect(await pending(request)).toBe(5);
});
