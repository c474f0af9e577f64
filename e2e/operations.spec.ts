import { expect, test } from '@playwright/test';
import { embeddedSql } from './support/embedded-sql';
import { lastLine, reviewedPlan } from './support/plan';
import { shot } from './support/screenshot';
import { storageFor } from './support/users';

/**
 * Platform engineers on staging (guarded) and production (protected): dry run first, then
 * apply and roll back in one click with progress; history, ERD and health agree afterwards.
 * The journey leaves staging as the first start made it (5 pending), for any later spec.
 */
test.describe.configure({ mode: 'serial' });


async function health(request: import('@playwright/test').APIRequestContext, env: string) {
  const body = await (await request.get('/api/health')).json();
  return (body.environments as Array<{ name: string; schemaVersion: string; pending: number }>).find((e) => e.name === env)!;
}

test('the pipeline overview shows every change set on every environment, and drift', async ({ page }) => {
  await page.goto('/');
  const matrix = page.getByTestId('pipeline-matrix');
  await expect(matrix.getByTestId('cell-local-18')).toHaveAttribute('data-state', 'applied');
  await expect(matrix.getByTestId('cell-staging-18')).toHaveAttribute('data-state', 'pending');
  await expect(matrix.getByTestId('cell-staging-14')).toHaveAttribute('data-state', 'applied');
  await expect(matrix.getByTestId('cell-production-10')).toHaveAttribute('data-state', 'pending');
  await expect(page.getByTestId('promotion-staging')).toContainText('staging is 5 change sets behind local');
  await expect(page.getByTestId('promotion-production').getByRole('button')).toHaveText('Request: Promote staging → production');
  for (const env of ['local', 'staging', 'production']) {
    await expect(page.getByTestId(`drift-${env}`)).toHaveAttribute('data-drift', 'clean', { timeout: 30_000 });
  }
  await shot(page, 'pipeline');
});

test('dry-run a pending change set on staging: the diff, the statements and the highlighted ERD', async ({ page }) => {
  await page.goto('/environments/staging/changesets/15');
  await expect(page.getByTestId('changeset-state')).toHaveAttribute('data-state', 'pending');
  await expect(page.getByRole('figure', { name: /Forward SQL of 0015_risk_v1/ })).toContainText('CREATE TABLE');
  await shot(page, 'changeset-0015');

  await page.getByTestId('operation-apply').click();
  const dialog = page.getByTestId('operation-dialog');
  await expect(dialog.getByTestId('target-banner')).toContainText('staging');
  const view = dialog.getByTestId('dry-run-view');
  await expect(view).toHaveAttribute('data-failed', 'false', { timeout: 30_000 });
  await expect(view.locator('[data-testid="diff-change"][data-action="added"][data-kind="table"]').first()).toBeVisible();
  await expect(view.getByTestId('diff-change').filter({ hasText: 'risk.daily_pnl' }).first()).toBeVisible();
  await shot(page, 'dry-run-changes', false);

  await view.getByTestId('tab-statements').click();
  await expect(view.getByTestId('dry-run-statement').first()).toBeVisible();
  // Lint findings sit on the statements they concern: 0015's are document 001's choices, silenced with the reason.
  const silenced = view.locator('[data-testid="lint-finding"][data-rule="timestamp-without-time-zone"]').first();
  await expect(silenced).toHaveAttribute('data-silenced', 'true');
  await expect(silenced).toContainText('Document 001');
  await shot(page, 'dry-run-statements-lint', false);

  await view.getByTestId('tab-ddl').click();
  const added = view.locator('[data-testid="ddl-diff-line"][data-type="added"]');
  await expect(added.filter({ hasText: 'CREATE SCHEMA risk;' })).toHaveCount(1);
  await expect(added.filter({ hasText: 'CREATE TABLE risk.daily_pnl (' })).toHaveCount(1);

  await view.getByTestId('tab-erd').click();
  const erd = view.getByTestId('diff-erd');
  await expect(erd.locator('[data-testid="erd-node-risk.daily_pnl"]')).toHaveAttribute('data-diff', 'added', { timeout: 30_000 });
  await shot(page, 'dry-run-erd', false);

  // Nothing happened: still pending, no history row for it.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await page.reload();
  await expect(page.getByTestId('changeset-state')).toHaveAttribute('data-state', 'pending');
  expect((await health(page.request, 'staging')).pending).toBe(5);
});

test('apply one change set to staging, then roll it back in one click; history, ERD and health agree', async ({ page, request }) => {
  // A long journey (apply, ERD layout, rollback): 30 s is too tight on a busy 2-core machine.
  test.setTimeout(90_000);
  await page.goto('/environments/staging');
  await expect(page.getByTestId('environment-name')).toHaveText('staging');
  await page.getByLabel('Or apply up to').selectOption('0015_risk_v1');
  await page.getByRole('button', { name: 'Apply up to 0015' }).click();
  const dialog = page.getByTestId('operation-dialog');
  await expect(dialog.getByTestId('dry-run-view')).toBeVisible({ timeout: 30_000 });
  await dialog.getByTestId('confirm-operation').click();
  await expect(dialog.getByTestId('run-outcome')).toHaveAttribute('data-failed', 'false', { timeout: 30_000 });
  await expect(dialog.getByTestId('progress-changeset')).toHaveCount(1);
  await dialog.getByTestId('close-operation').click();
  expect(await health(request, 'staging')).toMatchObject({ schemaVersion: '0015_risk_v1', pending: 4 });

  // Data in a table the rollback drops: Strata must copy it before dropping it.
  const sql = embeddedSql('strata_staging');
  try {
    await sql`insert into risk.daily_pnl (account_id, date) values (7, '2026-11-01')`;
  } finally {
    await sql.end();
  }

  await page.reload();
  await page.getByRole('button', { name: 'Roll back last change set (0015_risk_v1)' }).click();
  await expect(dialog.getByTestId('target-banner')).toContainText('Roll back');
  await expect(dialog.getByTestId('data-loss-banner')).toBeVisible({ timeout: 30_000 });
  await expect(dialog.getByTestId('backup-tables')).toContainText('risk.daily_pnl');
  await shot(page, 'rollback-confirm', false);
  await dialog.getByTestId('confirm-operation').click();
  await expect(dialog.getByTestId('run-outcome')).toHaveAttribute('data-failed', 'false', { timeout: 30_000 });
  await expect(dialog.getByTestId('backup-note')).toContainText('risk.daily_pnl (1 row)');
  await expect(dialog.getByTestId('backup-note')).toContainText('verified');
  await shot(page, 'rollback-done', false);
  await dialog.getByTestId('close-operation').click();

  // History: newest first, the rollback with its backup; health: back to 5 pending.
  const first = page.getByTestId('history-row').first();
  await expect(first).toHaveAttribute('data-status', 'rolled_back');
  await expect(first.getByTestId('history-backup')).toContainText('strata_backup_');
  await shot(page, 'staging-after-rollback');
  expect(await health(request, 'staging')).toMatchObject({ schemaVersion: '0014_files_workspace_scope_backfill', pending: 5 });
  const schema = await (await request.get('/api/environments/staging/schema')).json();
  expect(schema.tables.some((t: { id: string }) => t.id === 'risk.daily_pnl')).toBe(false);
  await page.goto('/environments/staging/erd');
  await expect(page.locator('[data-testid="erd-node-files.project_files"]')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('[data-testid="erd-node-risk.daily_pnl"]')).toHaveCount(0);
});

test('production: no direct apply or rollback — the buttons make requests; the API refuses a direct run', async ({ page, request }) => {
  await page.goto('/environments/production');
  const actions = page.getByTestId('environment-actions');
  await expect(actions.getByTestId('operation-rollback').first()).toHaveText(/^Request: Roll back last change set/);
  await expect(actions.getByTestId('operation-apply').first()).toHaveText('Request: Apply 10 pending');
  await shot(page, 'production');
  const refused = await request.post('/api/environments/production/operations', { data: { kind: 'run', direction: 'rollback', steps: 1, confirm: 'production', expect: reviewedPlan(['0009_lifegraph_signals_links'], 'rollback') } });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).message).toMatch(/protected/);
  expect((await health(request, 'production')).pending).toBe(10);
});

test('operations API: bad input is refused with a clear error and changes nothing', async ({ request }) => {
  const post = (env: string, data: unknown) => request.post(`/api/environments/${env}/operations`, { data: data as object });
  const cases: Array<[string, unknown, number, RegExp]> = [
    ['staging', { kind: 'run', direction: 'sideways' }, 400, /direction/],
    ['staging', { kind: 'run', direction: 'apply', to: "0015'; drop table x; --" }, 400, /to/],
    ['staging', { kind: 'run', direction: 'apply', extra: 1 }, 400, /Unrecognized key|extra/],
    ['staging', { kind: 'run', direction: 'apply', confirm: 'staging' }, 400, /expect/],
    ['staging', { kind: 'run', direction: 'apply', expect: [] }, 409, /does not name staging/],
    ['staging', { kind: 'run', direction: 'apply', confirm: 'local', expect: [] }, 409, /does not name staging/],
    ['nowhere', { kind: 'dry-run', direction: 'apply' }, 404, /Unknown environment "nowhere"/],
  ];
  for (const [env, body, status, message] of cases) {
    const response = await post(env, body);
    expect(response.status(), JSON.stringify(body)).toBe(status);
    expect((await response.json()).message).toMatch(message);
  }
  // Checked under the target's lock, so it arrives as the stream's last line.
  const moved = await post('staging', { kind: 'run', direction: 'apply', confirm: 'staging', expect: reviewedPlan(['0015_risk_v1'], 'apply') });
  expect(await lastLine(moved)).toMatchObject({ type: 'error', code: 'PLAN_CHANGED', message: expect.stringMatching(/plan changed since it was reviewed: 0016_risk_v2 was added/) });
  const notJson = await request.post('/api/environments/staging/operations', { headers: { 'Content-Type': 'application/json' }, data: '{nope' });
  expect(notJson.status()).toBe(400);
  expect((await health(request, 'staging')).pending).toBe(5);
});

test('two runs of one reviewed plan at once: one runs, the other is refused, nothing runs twice', async ({ request }) => {
  const plan = ['0015_risk_v1', '0016_risk_v2', '0017_risk_daily_unrealized_pnl', '0018_platform_usage_events_fk_indexes', '0019_platform_usage_events_total_tokens'];
  const run = () => request.post('/api/environments/staging/operations', { data: { kind: 'run', direction: 'apply', confirm: 'staging', expect: reviewedPlan(plan, 'apply') } });
  const [a, b] = await Promise.all([run(), run()]);
  const lines = [...(await a.text()).trim().split('\n'), ...(await b.text()).trim().split('\n')].map((l) => JSON.parse(l));
  const outcomes = lines.filter((l) => l.type === 'result' || l.type === 'error').map((l) => (l.type === 'error' ? l.code : 'ok')).sort();
  // Both were recorded as operations (each stream names its own first), whatever their outcome.
  const ids = lines.filter((l) => l.type === 'operation').map((l) => l.id);
  expect(new Set(ids).size).toBe(2);
  // The second waits for the lock, then finds the plan it was confirmed for already applied.
  expect(outcomes).toEqual(['PLAN_CHANGED', 'ok']);
  expect(await health(request, 'staging')).toMatchObject({ pending: 0 });
  // Put staging back as the first start left it.
  const back = await request.post('/api/environments/staging/operations', { data: { kind: 'run', direction: 'rollback', to: '0014_files_workspace_scope_backfill', confirm: 'staging', expect: reviewedPlan([...plan].reverse(), 'rollback') } });
  expect((await back.text()).trim().split('\n').map((l) => JSON.parse(l)).at(-1).type).toBe('result');
  expect(await health(request, 'staging')).toMatchObject({ pending: 5 });
});

test('an apply is a record: a reload mid-way and a second browser see the same progress, then the same outcome', async ({ page, browser, request }) => {
  // 0015 first, so that the operation below has an existing table (risk.enforcement_log) to wait on.
  const first = await request.post('/api/environments/staging/operations', { data: { kind: 'run', direction: 'apply', to: '0015_risk_v1', confirm: 'staging', expect: reviewedPlan(['0015_risk_v1'], 'apply') } });
  expect((await lastLine(first)).type).toBe('result');
  await page.goto('/environments/staging');
  await page.getByRole('button', { name: 'Apply 4 pending' }).click();
  const dialog = page.getByTestId('operation-dialog');
  await expect(dialog.getByTestId('dry-run-view')).toBeVisible({ timeout: 30_000 });

  // Someone's transaction holds the table 0016 alters (its 4th statement): the apply waits there,
  // up to its lock_timeout (5 s) — long enough to reload and to look from a second browser.
  const holder = embeddedSql('strata_staging');
  const held = await holder.reserve();
  const watching = await browser.newContext({ storageState: storageFor('olivia') });
  const watcher = watching.newPage();
  let id = 0;
  try {
    await held`begin`;
    await held`lock table risk.enforcement_log in access exclusive mode`;
    await dialog.getByTestId('confirm-operation').click();
    const href = await dialog.getByTestId('operation-link').getAttribute('href');
    id = Number(/^\/operations\/(\d+)$/.exec(href ?? '')?.[1]);
    expect(id).toBeGreaterThan(0);
    // The person who started it reloads; a colleague opens the operation's own page.
    const other = await watcher;
    await Promise.all([page.reload(), other.goto(`/operations/${id}`)]);
    const running = page.getByTestId('running-operation');
    await expect(running).toHaveAttribute('data-id', String(id));
    const record = other.getByTestId('operation');
    await expect(record).toHaveAttribute('data-state', 'running');
    for (const view of [running, record]) {
      await expect(view.getByTestId('run-progress')).toContainText('Change set 1 of 4 · 0016_risk_v2');
      await expect(view.getByTestId('run-progress-statement')).toHaveText('statement 4 of 7');
    }
    await shot(other, 'operation-running');
    await shot(page, 'staging-operation-running');
  } finally {
    await held`rollback`;
    held.release();
    await holder.end();
  }

  // Released: both see it finish, the same way.
  const other = await watcher;
  const record = other.getByTestId('operation');
  await expect(record).toHaveAttribute('data-state', 'succeeded', { timeout: 30_000 });
  await expect(record.getByTestId('run-outcome')).toHaveAttribute('data-failed', 'false');
  await expect(record.getByTestId('outcome-changeset')).toHaveCount(4);
  await expect(record).toContainText('started by admin (admin)');
  await shot(other, 'operation-succeeded');
  await expect(page.getByTestId('running-operation')).toHaveCount(0, { timeout: 15_000 });
  const row = page.getByTestId('operation-row').first();
  await expect(row).toHaveAttribute('data-state', 'succeeded');
  await expect(row).toContainText(`#${id} Apply`);
  // The page read itself again when the operation ended: the history shows it.
  await expect(page.getByTestId('history-row').first()).toContainText('0019_platform_usage_events_total_tokens');
  await shot(page, 'staging-operations');
  expect(await (await request.get(`/api/operations/${id}`)).json()).toMatchObject({ id, kind: 'apply', environment: 'staging', actor: 'admin', state: 'succeeded', eventCount: expect.any(Number) });
  await watching.close();

  // Put staging back as the first start left it.
  const plan = ['0015_risk_v1', '0016_risk_v2', '0017_risk_daily_unrealized_pnl', '0018_platform_usage_events_fk_indexes', '0019_platform_usage_events_total_tokens'];
  const back = await request.post('/api/environments/staging/operations', { data: { kind: 'run', direction: 'rollback', to: '0014_files_workspace_scope_backfill', confirm: 'staging', expect: reviewedPlan([...plan].reverse(), 'rollback') } });
  expect((await lastLine(back)).type).toBe('result');
  expect(await health(request, 'staging')).toMatchObject({ pending: 5 });
});
