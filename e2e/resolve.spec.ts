import { expect, test, type Page } from '@playwright/test';
import { embeddedSql } from './support/embedded-sql';
import { lastLine, reviewedPlan } from './support/plan';
import { shot } from './support/screenshot';
import { storageFor } from './support/users';

/**
 * Fixing a change set from the browser on staging (guarded): a change set that failed (a
 * lock held by someone's transaction makes it time out) shows what happened and is retried
 * with a reason; the optional 0017 is skipped, later change sets apply past it, it is
 * un-skipped and applied out of order. Staging is left as the first start made it: 0014
 * applied, 5 pending.
 */
// Dry runs, runs and a lock timeout (5 s) in each journey: more than the default 30 s on 2 cores.
test.describe.configure({ mode: 'serial', timeout: 120_000 });


async function health(request: import('@playwright/test').APIRequestContext, env: string) {
  const body = await (await request.get('/api/health')).json();
  return (body.environments as Array<{ name: string; schemaVersion: string; pending: number }>).find((e) => e.name === env)!;
}

const item = (page: Page, tag: string) => page.locator(`[data-testid="attention-item"][data-tag="${tag}"]`);

async function fix(page: Page, tag: string, way: string, reason: string, env = 'staging') {
  const row = item(page, tag);
  await row.getByTestId(`fix-${way}`).click();
  const form = row.getByTestId('fix-form');
  await form.getByTestId('fix-reason').fill(reason);
  await expect(form.getByTestId('fix-submit')).toBeDisabled();
  await form.getByTestId('fix-confirm-name').fill(env);
  await form.getByTestId('fix-submit').click();
}

test('a failed change set on staging shows what happened, and is retried from the browser with a reason', async ({ page, request }) => {
  expect(await health(request, 'staging')).toMatchObject({ schemaVersion: '0014_files_workspace_scope_backfill', pending: 5 });
  const first = await request.post('/api/environments/staging/operations', { data: { kind: 'run', direction: 'apply', to: '0015_risk_v1', confirm: 'staging', expect: reviewedPlan(['0015_risk_v1'], 'apply') } });
  expect((await lastLine(first)).type).toBe('result');

  // Someone's transaction holds the table 0016 alters: its apply waits out lock_timeout (5 s) and fails.
  const holder = embeddedSql('strata_staging');
  const held = await holder.reserve();
  try {
    await held`begin`;
    await held`lock table risk.enforcement_log in access exclusive mode`;
    const failing = await request.post('/api/environments/staging/operations', { data: { kind: 'run', direction: 'apply', to: '0016_risk_v2', confirm: 'staging', expect: reviewedPlan(['0016_risk_v2'], 'apply') } });
    const outcome = await lastLine(failing);
    expect(outcome.type).toBe('result');
    expect(outcome.result.failed.tag).toBe('0016_risk_v2');
  } finally {
    await held`rollback`;
    held.release();
    await holder.end();
  }

  // The change set's own page says the same, with the same ways out.
  await page.goto('/environments/staging/changesets/16');
  await expect(page.getByTestId('changeset-state')).toHaveAttribute('data-state', 'failed');
  await expect(page.getByTestId('incident-failure')).toContainText('lock timeout');
  await expect(page.getByTestId('fixes').getByRole('button')).toHaveText(['Retry', 'Mark applied', 'Mark rolled back']);
  await shot(page, 'resolve-changeset-failed', false);

  await page.goto('/environments/staging');
  const failed = item(page, '0016_risk_v2');
  await expect(failed).toHaveAttribute('data-state', 'failed');
  const incident = failed.getByTestId('incident-failure');
  await expect(incident).toContainText('lock timeout');
  await expect(incident).toContainText('migrations/0016_risk_v2.sql');
  await expect(failed.getByTestId('incident-who')).toContainText('by admin');
  // Each way out of a failure, and nothing else.
  await expect(failed.getByTestId('fixes').getByRole('button')).toHaveText(['Retry', 'Mark applied', 'Mark rolled back']);
  await failed.getByTestId('fix-retry').click();
  await failed.getByTestId('fix-reason').fill('the lock holder was a stuck report; it is gone');
  await shot(page, 'resolve-staging-failed');

  // The name typed wrong (or not at all) keeps the button disabled; a reason is required.
  await failed.getByTestId('fix-confirm-name').fill('production');
  await expect(failed.getByTestId('fix-submit')).toBeDisabled();
  await failed.getByTestId('fix-confirm-name').fill('staging');
  await failed.getByTestId('fix-submit').click();
  await expect(failed.getByTestId('fix-done')).toContainText('0016_risk_v2 is now pending');
  await page.reload();
  await expect(item(page, '0016_risk_v2')).toHaveAttribute('data-state', 'rolled_back');
  await expect(page.getByTestId('history-row').first()).toContainText('retry: the lock holder was a stuck report');
  await shot(page, 'resolve-staging-retried');

  // The change set page shows the same state and history.
  await page.goto('/environments/staging/changesets/16');
  await expect(page.getByTestId('changeset-state')).toHaveAttribute('data-state', 'rolled_back');
  await shot(page, 'resolve-changeset-page');
});

test('the optional 0017 is skipped by an operator, later change sets apply past it, then it is un-skipped and applied out of order', async ({ browser, request }) => {
  const context = await browser.newContext({ storageState: storageFor('olivia') });
  const page = await context.newPage();
  try {
    await page.goto('/environments/staging');
    const optional = item(page, '0017_risk_daily_unrealized_pnl');
    await expect(optional).toContainText('optional');
    // Only the optional one can be skipped.
    await expect(item(page, '0018_platform_usage_events_fk_indexes').getByTestId('fix-skip')).toHaveCount(0);
    await fix(page, '0017_risk_daily_unrealized_pnl', 'skip', 'Phase 3 is not wanted on staging yet');
    // The page refreshes itself (skipped: its one way out is now un-skip), and the outcome stays.
    await expect(optional).toHaveAttribute('data-state', 'skipped');
    await expect(optional.getByTestId('fix-unskip')).toBeVisible();
    await expect(optional.getByTestId('fix-done')).toContainText('is now skipped');
    await page.reload();
    await expect(item(page, '0017_risk_daily_unrealized_pnl')).toHaveAttribute('data-state', 'skipped');
    await expect(page.getByRole('button', { name: 'Apply 3 pending' })).toBeVisible();
    await shot(page, 'skip-staging-skipped');

    // Later change sets apply past it.
    await page.getByRole('button', { name: 'Apply 3 pending' }).click();
    const dialog = page.getByTestId('operation-dialog');
    await expect(dialog.getByTestId('dry-run-view')).toBeVisible({ timeout: 30_000 });
    await dialog.getByTestId('confirm-operation').click();
    // Followed on its record: with nothing left pending, the page's refresh at the end removes the Apply button and its dialog.
    const id = Number(/\/operations\/(\d+)$/.exec((await dialog.getByTestId('operation-link').getAttribute('href')) ?? '')?.[1]);
    await expect.poll(async () => (await (await request.get(`/api/operations/${id}`)).json()).state, { timeout: 60_000 }).toBe('succeeded');
    const applied = (await (await request.get(`/api/operations/${id}`)).json()).result.records as Array<{ tag: string; status: string }>;
    expect(applied.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    expect(await health(request, 'staging')).toMatchObject({ schemaVersion: '0019_platform_usage_events_total_tokens', pending: 0 });
    await page.goto('/');
    await expect(page.getByTestId('pipeline-matrix').getByTestId('cell-staging-17')).toHaveAttribute('data-state', 'skipped');
    await shot(page, 'skip-pipeline');

    // Un-skip: it sits before applied change sets now, so it is out of order; applied from its row.
    await page.goto('/environments/staging');
    await fix(page, '0017_risk_daily_unrealized_pnl', 'unskip', 'Phase 3 is wanted after all');
    await expect(item(page, '0017_risk_daily_unrealized_pnl')).toHaveAttribute('data-state', 'out_of_order');
    await expect(item(page, '0017_risk_daily_unrealized_pnl').getByTestId('fix-done')).toContainText('is now out of order');
    await page.reload();
    const late = item(page, '0017_risk_daily_unrealized_pnl');
    await expect(late).toHaveAttribute('data-state', 'out_of_order');
    await late.getByRole('button', { name: 'Apply 0017_risk_daily_unrealized_pnl out of order' }).click();
    await expect(dialog.getByTestId('dry-run-view')).toBeVisible({ timeout: 30_000 });
    await dialog.getByTestId('confirm-operation').click();
    await expect(dialog.getByTestId('run-outcome')).toHaveAttribute('data-failed', 'false', { timeout: 30_000 });
    await expect(dialog.getByTestId('outcome-changeset')).toHaveText([/0017_risk_daily_unrealized_pnl/]);
    // The page's operations list has seen the run end, which re-reads the page: that re-read
    // waits for the dialog, which lives in the row it would remove (open-dialogs.ts). Give a
    // re-read time to land, then the outcome must still be there to read and close.
    await expect(page.getByTestId('running-operation')).toHaveCount(0, { timeout: 30_000 });
    await page.waitForTimeout(2_000);
    await expect(dialog.getByTestId('run-outcome')).toBeVisible();
    await dialog.getByTestId('close-operation').click();
    // Closed: the re-read it owed happens, and the row is gone.
    await expect(item(page, '0017_risk_daily_unrealized_pnl')).toHaveCount(0);
    await page.goto('/environments/staging/changesets/17');
    await expect(page.getByTestId('changeset-state')).toHaveAttribute('data-state', 'applied');
    await shot(page, 'skip-changeset-applied');
  } finally {
    await context.close();
  }

  // Put staging back as the first start left it: rolled back in the order the engine undoes (0017 was applied last).
  const undo = ['0017_risk_daily_unrealized_pnl', '0019_platform_usage_events_total_tokens', '0018_platform_usage_events_fk_indexes', '0016_risk_v2', '0015_risk_v1'];
  const back = await request.post('/api/environments/staging/operations', { data: { kind: 'run', direction: 'rollback', to: '0014_files_workspace_scope_backfill', confirm: 'staging', expect: reviewedPlan(undo, 'rollback') } });
  expect((await lastLine(back)).type).toBe('result');
  expect(await health(request, 'staging')).toMatchObject({ schemaVersion: '0014_files_workspace_scope_backfill', pending: 5 });
});

test('production (protected): a skip is a request another admin approves, then executed once from the approvals page', async ({ browser, request }) => {
  const olivia = await browser.newContext({ storageState: storageFor('olivia') });
  const ada = await browser.newContext({ storageState: storageFor('ada') });
  const tag = '0017_risk_daily_unrealized_pnl';
  try {
    const page = await olivia.newPage();
    await page.goto('/environments/production');
    const row = item(page, tag);
    await expect(row.getByTestId('fix-skip')).toHaveText('Request: Skip');
    await row.getByTestId('fix-skip').click();
    // A request needs a reason but no typed name: the approval is the second person.
    await expect(row.getByTestId('fix-confirm-name')).toHaveCount(0);
    await row.getByTestId('fix-reason').fill('Phase 3 is not wanted in production this quarter');
    await shot(page, 'skip-production-request-form');
    await row.getByTestId('fix-submit').click();
    await expect(row.getByTestId('fix-done')).toContainText('filed');
    const id = Number(/Request #(\d+)/.exec((await row.getByTestId('fix-done').textContent()) ?? '')?.[1]);
    expect(id).toBeGreaterThan(0);
    // Nothing changed yet.
    await page.reload();
    await expect(item(page, tag)).toHaveAttribute('data-state', 'pending');

    const review = await ada.newPage();
    await review.goto('/approvals');
    const card = review.locator(`[data-testid="request"][data-id="${id}"]`);
    await expect(card.getByTestId('request-description')).toHaveText(`Skip ${tag}`);
    await card.getByTestId('decision-comment').fill('fine: nothing later uses it');
    await card.getByTestId('approve-request').click();
    await expect(card).toHaveAttribute('data-status', 'approved');
    await shot(review, 'approvals-fix-request');

    await page.goto('/approvals');
    const mine = page.locator(`[data-testid="request"][data-id="${id}"]`);
    await mine.getByTestId('execute-request').click();
    await mine.getByTestId('execute-confirm-name').fill('production');
    await mine.getByTestId('execute-confirm').click();
    await expect(mine.getByTestId('fix-outcome')).toContainText(`${tag} is now skipped`, { timeout: 30_000 });
    await page.goto('/environments/production');
    await expect(item(page, tag)).toHaveAttribute('data-state', 'skipped');
    await expect(page.getByTestId('history-row').first()).toContainText(`request #${id} by olivia, approved by ada`);
    await shot(page, 'skip-production-skipped');
  } finally {
    await olivia.close();
  }

  // The door refuses a direct fix on a protected environment, whoever asks.
  const direct = await request.post(`/api/environments/production/changesets/${tag}/unskip`, { data: { reason: 'direct', confirm: 'production' } });
  expect(direct.status()).toBe(403);
  expect((await direct.json()).message).toContain('only through an approved request');

  // Put production back through the same two-person path (API this time).
  const asOlivia = (await browser.newContext({ storageState: storageFor('olivia') })).request;
  const filed = await asOlivia.post('/api/environments/production/requests', { data: { kind: 'unskip', tag, reason: 'restore the demo' } });
  expect(filed.status()).toBe(200);
  const { request: unskip } = await filed.json();
  expect((await ada.request.post(`/api/requests/${unskip.id}/decision`, { data: { approve: true, comment: 'ok' } })).status()).toBe(200);
  expect((await lastLine(await asOlivia.post(`/api/requests/${unskip.id}/execute`, { data: { confirm: 'production' } }))).type).toBe('result');
  await ada.close();
  expect(await health(request, 'production')).toMatchObject({ schemaVersion: '0009_lifegraph_signals_links', pending: 10 });
});

test('the fix doors attacked: bad input, an unknown environment or change set, no confirmation, two callers at once', async ({ request }) => {
  const { databaseState } = await import('./support/database-state');
  const skip = (env: string, tag: string, data: unknown) => request.post(`/api/environments/${env}/changesets/${tag}/skip`, { data: data as object });
  const before = await databaseState();
  const answers = await Promise.all([
    skip('staging', '0017_risk_daily_unrealized_pnl', { reason: '', confirm: 'staging' }),
    skip('staging', '0017_risk_daily_unrealized_pnl', { reason: 'x', confirm: 'staging', extra: 1 }),
    request.post('/api/environments/staging/changesets/0016_risk_v2/resolve', { data: { as: 'drop-it', reason: 'x', confirm: 'staging' } }),
    skip('nowhere', '0017_risk_daily_unrealized_pnl', { reason: 'x', confirm: 'nowhere' }),
    skip('staging', '0017_risk_daily_unrealized_pnl', { reason: 'x', confirm: 'production' }),
    skip('staging', "0017'; drop table x; --", { reason: 'x', confirm: 'staging' }),
  ]);
  expect(answers.map((a) => a.status())).toEqual([400, 400, 400, 404, 409, 400]);
  expect((await answers[4]!.json()).code).toBe('CONFIRMATION_REQUIRED');
  expect(await databaseState()).toEqual(before);

  // Refused by the engine (audited as failed): nothing in any history.
  const unknown = await skip('staging', '0099_nothing', { reason: 'x', confirm: 'staging' });
  expect(unknown.status()).toBe(404);
  const notOptional = await skip('staging', '0018_platform_usage_events_fk_indexes', { reason: 'x', confirm: 'staging' });
  expect(notOptional.status()).toBe(409);
  expect((await notOptional.json()).message).toContain('is not optional');
  const after = await databaseState();
  expect(after.strata_staging).toEqual(before.strata_staging);

  // Two callers skip at once: one wins, the other is refused (it finds it skipped, or the lock taken); one history row.
  const both = await Promise.all([1, 2].map(() => skip('staging', '0017_risk_daily_unrealized_pnl', { reason: 'race', confirm: 'staging' })));
  expect(both.map((a) => a.status()).sort()).toEqual([200, 409]);
  const sql = embeddedSql('strata_staging');
  try {
    expect((await sql`select count(*)::int as n from strata.change_log where operation = 'skip' and reason = 'race'`)[0]!.n).toBe(1);
  } finally {
    await sql.end();
  }
  const unskip = await request.post('/api/environments/staging/changesets/0017_risk_daily_unrealized_pnl/unskip', { data: { reason: 'put back', confirm: 'staging' } });
  expect(unskip.status()).toBe(200);
  expect((await unskip.json()).fixed.state).toBe('pending');
  expect(await health(request, 'staging')).toMatchObject({ schemaVersion: '0014_files_workspace_scope_backfill', pending: 5 });
});
