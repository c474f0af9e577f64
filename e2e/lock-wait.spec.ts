import { expect, test } from '@playwright/test';
import { embeddedSql } from './support/embedded-sql';
import { shot } from './support/screenshot';

/**
 * A rollback on local meets a session idle in transaction on the table it must lock: the
 * run's progress names the holder while it waits, and the run succeeds once the holder
 * commits. The spec re-applies the change set, leaving local as it found it (all applied).
 */
test('a run waits out a lock holder, and its progress names it', async ({ page }) => {
  test.setTimeout(120_000);
  const tag = '0018_platform_usage_events_fk_indexes';
  await page.goto('/environments/local');
  await page.getByRole('button', { name: `Roll back last change set (${tag})` }).click();
  const dialog = page.getByTestId('operation-dialog');
  await expect(dialog.getByTestId('dry-run-view')).toBeVisible({ timeout: 30_000 });

  // Taken after the dry run (which would otherwise time out on it): DROP INDEX needs ACCESS EXCLUSIVE.
  const sql = embeddedSql('strata_local');
  const holder = await sql.reserve();
  try {
    await holder.unsafe(`set application_name = 'billing-worker'`);
    await holder.unsafe('begin');
    await holder.unsafe('lock table platform.usage_events in access share mode');
    const [row] = await holder`select pg_backend_pid() as pid`;
    // Its last query, which the page shows with the literal masked.
    await holder.unsafe(`select count(*) from platform.usage_events where user_id = '00000000-0000-0000-0000-000000004121'`);

    await dialog.getByTestId('confirm-operation').click();
    const waiting = lockWaitBox(dialog);
    await expect(waiting).toBeVisible({ timeout: 30_000 });
    await expect(waiting).toContainText(`waiting for ACCESS EXCLUSIVE on platform.usage_events — held by pid ${row!.pid} (billing-worker, idle in transaction`);
    await expect(waiting).toContainText('user_id = ?');
    // The blocker's role name stays out of the page (lib/db/safe-message.ts).
    await expect(waiting).toContainText('user [name hidden]');
    await expect(waiting).toContainText('retry 1 of 5');
    await shot(page, 'lock-wait', false);
    await holder.unsafe('commit');
  } finally {
    await holder.unsafe('rollback').catch(() => undefined);
    holder.release();
    await sql.end();
  }
  await expect(dialog.getByTestId('run-outcome')).toHaveAttribute('data-failed', 'false', { timeout: 30_000 });
  await expect(lockWaitBox(dialog)).toHaveCount(0);
  // The outcome says it waited, and for whom — still without the role name.
  const waited = dialog.getByTestId('outcome-lock-waits');
  await expect(waited).toContainText('Waited out a lock holder');
  await expect(waited).toContainText('(billing-worker, idle in transaction');
  await expect(waited).toContainText('user [name hidden]');
  await shot(page, 'lock-wait-done', false);
  await dialog.getByTestId('close-operation').click();

  // Leave local as it was: the change set applied again.
  await page.reload();
  await page.getByRole('button', { name: 'Apply 1 pending' }).click();
  await expect(dialog.getByTestId('dry-run-view')).toBeVisible({ timeout: 30_000 });
  await dialog.getByTestId('confirm-operation').click();
  await expect(dialog.getByTestId('run-outcome')).toHaveAttribute('data-failed', 'false', { timeout: 30_000 });
  await dialog.getByTestId('close-operation').click();
  const body = await (await page.request.get('/api/health')).json();
  expect((body.environments as Array<{ name: string; pending: number }>).find((e) => e.name === 'local')!.pending).toBe(0);
});

const lockWaitBox = (dialog: import('@playwright/test').Locator) => dialog.getByTestId('run-progress-lock-wait');
