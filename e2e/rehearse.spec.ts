import { expect, test } from '@playwright/test';
import { databaseState } from './support/database-state';
import { lastLine } from './support/plan';
import { shot } from './support/screenshot';
import { storageFor } from './support/users';

/**
 * Rehearsals in the console: a developer rehearses staging's 5 pending change sets from the
 * environment page (a 10% sample of the demo data) and reads the report; an operator files a
 * production request and the approver sees its rehearsal beside the diff, with the full report
 * one click away. The environments are only read: staging stays at 0014 with 5 pending, and
 * the request is rejected at the end so nothing is left waiting.
 */
test.describe.configure({ mode: 'serial' });

/** The environments' history and rows: what a rehearsal must never change. */
async function environments() {
  const state = await databaseState();
  return { local: state.strata_local, staging: state.strata_staging, production: state.strata_production };
}

test('rehearse staging from its page: sample, progress, then the report; staging unchanged', async ({ browser }) => {
  test.setTimeout(120_000);
  const before = await environments();
  const devon = await browser.newContext({ storageState: storageFor('devon') });
  const page = await devon.newPage();
  await page.goto('/environments/staging');
  const open = page.getByTestId('rehearse-open');
  await expect(open).toHaveText('Rehearse 5 pending on a copy');
  await shot(page, 'rehearse-environment-page');

  // Keyboard only: open, pick 10% with the arrow keys, start.
  await open.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('rehearse-dialog');
  await expect(dialog.getByTestId('target-banner')).toContainText('staging');
  await dialog.getByTestId('sample-all').focus();
  await page.keyboard.press('ArrowRight');
  await expect(dialog.getByTestId('sample-10')).toBeChecked();
  await shot(page, 'rehearse-dialog-sample', false);
  await dialog.getByTestId('rehearse-start').click();

  const report = dialog.getByTestId('rehearsal-report');
  await expect(report).toBeVisible({ timeout: 90_000 });
  await expect(report).toHaveAttribute('data-failed', 'false');
  await expect(report.getByTestId('rehearsed-change-set')).toHaveCount(5);
  await expect(report.getByTestId('rehearsal-copied')).toContainText('10% sample');
  // Each change set opens from the keyboard to show its statements.
  const first = report.getByTestId('rehearsed-change-set').first();
  if ((await first.getAttribute('open')) === null) {
    await first.locator('summary').focus();
    await page.keyboard.press('Enter');
  }
  await expect(first.getByTestId('rehearsed-statement').first()).toBeVisible();
  await expect(report.getByTestId('rehearsal-run-ms')).not.toHaveText('');
  // The headlines come first; then every statement of the 5 change sets (23 + 7 + 3 + 102 + 3) with its figures.
  await expect(report.getByTestId('rehearsal-headlines').locator('li').first()).toBeVisible();
  await expect(report.getByTestId('rehearsed-statement')).toHaveCount(138);
  const insert = report.getByTestId('rehearsed-statement').filter({ hasText: 'INSERT INTO "risk"."schema_version"' }).locator('td');
  await expect(insert.nth(1)).toHaveText(/^\d+ ms$/); // wall time
  await expect(insert.nth(3)).toHaveText('2'); // rows
  await expect(insert.nth(4)).toHaveText('no'); // not rewritten
  await expect(insert.nth(5)).toHaveText(/^\d+ (B|kB)$/); // WAL
  await expect(dialog).not.toContainText(/\bat .*\(.*:\d+:\d+\)/); // no stack trace
  await shot(page, 'rehearse-report', false);

  // The recorded operation shows the same report to anyone, after the dialog is gone.
  const operation = dialog.getByTestId('rehearse-operation-link');
  const href = await operation.getAttribute('href');
  await dialog.getByTestId('rehearse-close').click();
  await page.goto(href!);
  await expect(page.getByTestId('operation')).toHaveAttribute('data-state', 'succeeded');
  await expect(page.getByTestId('operation')).toContainText('Rehearsal on staging');
  await expect(page.getByTestId('rehearsal-report')).toBeVisible();
  await shot(page, 'rehearse-operation-page');
  await shot(page, 'rehearse-operation-page-top', false);

  const health = await (await page.request.get('/api/health')).json();
  expect(health.environments.find((e: { name: string }) => e.name === 'staging')).toMatchObject({ pending: 5 });
  expect(await environments()).toEqual(before);
  await devon.close();
});

test('a production request is rehearsed: the approver sees it beside the diff, the full report one click away', async ({ browser }) => {
  test.setTimeout(180_000);
  const before = await environments();
  const olivia = await browser.newContext({ storageState: storageFor('olivia') });
  const ada = await browser.newContext({ storageState: storageFor('ada') });
  const page = await olivia.newPage();
  await page.goto('/environments/production');
  await page.getByRole('button', { name: 'Request: Apply 10 pending' }).click();
  const dialog = page.getByTestId('operation-dialog');
  await expect(dialog.getByTestId('dry-run-view')).toBeVisible({ timeout: 60_000 });
  await dialog.getByTestId('request-reason').fill('ship the risk schema; see the rehearsal');
  await dialog.getByTestId('submit-request').click();
  await expect(dialog.getByTestId('request-created')).toBeVisible({ timeout: 60_000 });
  const id = Number((await dialog.getByTestId('request-created').innerText()).match(/#(\d+)/)![1]);

  const review = await ada.newPage();
  await review.goto('/approvals');
  const card = review.locator(`[data-testid="request"][data-id="${id}"]`);
  const rehearsal = card.getByTestId('request-rehearsal');
  // While it runs: "Rehearsing…" with progress; then the headlines (or, prominently, its failure).
  await expect(rehearsal).toHaveAttribute('data-state', /running|done|failed/);
  if ((await rehearsal.getAttribute('data-state')) === 'running') {
    await expect(rehearsal).toContainText('Rehearsing…');
    await shot(review, 'approvals-rehearsing');
  }
  await expect(rehearsal).toHaveAttribute('data-state', 'done', { timeout: 150_000 });
  await expect(rehearsal.getByTestId('request-rehearsal-headlines').locator('li').first()).toBeVisible();
  await expect(card.getByTestId('request-dry-run')).toBeVisible();
  await shot(review, 'approvals-rehearsal');

  await rehearsal.getByTestId('request-rehearsal-link').click();
  await expect(review.getByTestId('operation')).toContainText('Rehearsal on production');
  await expect(review.getByTestId('rehearsal-report').getByTestId('rehearsed-change-set')).toHaveCount(10);
  await shot(review, 'approvals-rehearsal-full-report');

  // Leave nothing waiting: the request is rejected, and production was only read.
  expect((await ada.request.post(`/api/requests/${id}/decision`, { data: { approve: false, comment: 'rehearsal journey done' } })).status()).toBe(200);
  expect(await environments()).toEqual(before);
  await olivia.close();
  await ada.close();
});

test('a rollback request says it is not rehearsed', async ({ browser }) => {
  const olivia = await browser.newContext({ storageState: storageFor('olivia') });
  const filed = await lastLine(await olivia.request.post('/api/environments/production/requests', { data: { direction: 'rollback', steps: 1, reason: 'rehearsal spec: rollback' } }));
  expect(filed.type, JSON.stringify(filed)).toBe('result');
  expect(filed.result.rehearsalOperation).toBeNull();
  const page = await olivia.newPage();
  await page.goto('/approvals');
  const card = page.locator(`[data-testid="request"][data-id="${filed.result.id}"]`);
  await expect(card.getByTestId('request-rehearsal')).toHaveText('Rollbacks are not rehearsed: a rehearsal runs pending change sets on a copy.');
  const admin = await browser.newContext({ storageState: storageFor('admin') });
  expect((await admin.request.post(`/api/requests/${filed.result.id}/decision`, { data: { approve: false, comment: 'done' } })).status()).toBe(200);
  await olivia.close();
  await admin.close();
});
