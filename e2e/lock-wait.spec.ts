import { expect, test, type Page } from '@playwright/test';
import { embeddedSql } from './support/embedded-sql';
import { lastLine, reviewedPlan } from './support/plan';
import { cookieOf, rawRequest } from './support/raw-http';
import { shot } from './support/screenshot';
import { callServerAction } from './support/server-actions';
import { storageFor } from './support/users';

/**
 * A rollback on local meets a session idle in transaction on the table it must lock: the
 * run's progress names the holder while it waits, and the run succeeds once the holder
 * commits. The spec re-applies the change set, leaving local as it found it (all applied).
 */
test('a run waits out a lock holder, and its progress names it', async ({ page }) => {
  test.setTimeout(120_000);
  const tag = '0019_platform_usage_events_total_tokens';
  await page.goto('/environments/local');
  await page.getByRole('button', { name: `Roll back last change set (${tag})` }).click();
  const dialog = page.getByTestId('operation-dialog');
  await expect(dialog.getByTestId('dry-run-view')).toBeVisible({ timeout: 30_000 });

  // Taken after the dry run (which would otherwise time out on it): DROP COLUMN needs ACCESS EXCLUSIVE.
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
  await reapplyOnLocal(page);
});

/**
 * Applies the rolled-back change set again on local through the API, and checks nothing is
 * pending: through a dialog, the environment page refreshes when the run ends, and with
 * nothing left to apply the Apply button (and its dialog) is gone before the outcome shows.
 */
async function reapplyOnLocal(page: Page, tag = TAG): Promise<void> {
  const run = await page.request.post('/api/environments/local/operations', { data: { kind: 'run', direction: 'apply', confirm: 'local', expect: reviewedPlan([tag], 'apply') } });
  expect((await lastLine(run)).type).toBe('result');
  const body = await (await page.request.get('/api/health')).json();
  expect((body.environments as Array<{ name: string; pending: number }>).find((e) => e.name === 'local')!.pending).toBe(0);
}

const lockWaitBox = (dialog: import('@playwright/test').Locator) => dialog.getByTestId('run-progress-lock-wait');

const TAG = '0019_platform_usage_events_total_tokens';

/** The columns of platform.usage_events on local: what the rollback of 0019 would change (it drops total_tokens). */
async function usageEventColumns(): Promise<string[]> {
  const sql = embeddedSql('strata_local');
  try {
    const rows = await sql`select column_name from information_schema.columns where table_schema = 'platform' and table_name = 'usage_events' order by 1`;
    return rows.map((r) => String(r.column_name));
  } finally {
    await sql.end();
  }
}

/** Opens Roll back of the last change set (0019) on local and waits for its dry run (taken before any holder, which would time it out). */
async function openRollback(page: Page) {
  await page.goto('/environments/local');
  await page.getByRole('button', { name: `Roll back last change set (${TAG})` }).click();
  const dialog = page.getByTestId('operation-dialog');
  await expect(dialog.getByTestId('dry-run-view')).toBeVisible({ timeout: 30_000 });
  return dialog;
}

/** A billing-worker session on local, idle in transaction with usage_events locked; returns it and its pid. */
async function holdUsageEvents() {
  const sql = embeddedSql('strata_local');
  const holder = await sql.reserve();
  await holder.unsafe(`set application_name = 'billing-worker'`);
  await holder.unsafe('begin');
  await holder.unsafe('lock table platform.usage_events in access share mode');
  const [row] = await holder`select pg_backend_pid() as pid`;
  await holder.unsafe(`select count(*) from platform.usage_events where user_id = '00000000-0000-0000-0000-000000004121'`);
  let terminated = false;
  return {
    pid: Number(row!.pid),
    /** Its backend was terminated: its connection is gone, and writing to it would throw inside the driver. */
    terminated: () => {
      terminated = true;
    },
    end: async () => {
      if (!terminated) {
        await holder.unsafe('rollback').catch(() => undefined);
        holder.release();
      }
      await sql.end({ timeout: 1 }).catch(() => undefined);
    },
  };
}

const operationIdIn = async (dialog: import('@playwright/test').Locator) => Number((await dialog.getByTestId('operation-link').innerText()).replace('#', ''));

test('Cancel stops a run waiting for a lock: it fails "cancelled by …", nothing of it applied, and cannot be cancelled twice', async ({ page }) => {
  test.setTimeout(120_000);
  const dialog = await openRollback(page);
  const columns = await usageEventColumns();
  expect(columns).toContain('total_tokens');
  const holder = await holdUsageEvents();
  try {
    await dialog.getByTestId('confirm-operation').click();
    const waiting = lockWaitBox(dialog);
    await expect(waiting).toBeVisible({ timeout: 30_000 });
    await expect(waiting.getByTestId('cancel-run')).toBeVisible();
    await expect(waiting.getByTestId('terminate-blocker')).toBeVisible();
    await shot(page, 'lock-wait-controls', false);
    const id = await operationIdIn(dialog);
    await waiting.getByTestId('cancel-run').click();

    await expect(dialog.getByTestId('run-outcome')).toHaveAttribute('data-failed', 'true', { timeout: 30_000 });
    await expect(dialog).toContainText(`cancelled by admin while waiting for ACCESS EXCLUSIVE on platform.usage_events — held by pid ${holder.pid} (billing-worker`);
    await shot(page, 'lock-wait-cancelled', false);
    // The rollback's transaction was rolled back: the column is still there.
    expect(await usageEventColumns()).toEqual(columns);
    // Once ended, it cannot be cancelled again.
    const again = await page.request.post(`/api/operations/${id}/cancel`, { data: {} });
    expect(again.status()).toBe(409);
    expect((await again.json()).message).toBe(`Operation #${id} has already ended (failed); nothing was done`);
  } finally {
    await holder.end();
  }
  await dialog.getByTestId('close-operation').click();
  // Leave local as it was: the failed rollback changed nothing, so 0019 is recorded applied again.
  const resolved = await page.request.post(`/api/environments/local/changesets/${TAG}/resolve`, { data: { as: 'applied', reason: 'rollback cancelled by the lock-wait spec; nothing was dropped', confirm: 'local' } });
  expect(resolved.status(), await resolved.text()).toBe(200);
  const body = await (await page.request.get('/api/health')).json();
  expect((body.environments as Array<{ name: string; pending: number }>).find((e) => e.name === 'local')!.pending).toBe(0);
});

test('Terminate blocker: only an admin, only a pid that really blocks the run on this database, typed back; audited; the run then succeeds', async ({ page, browser }) => {
  test.setTimeout(150_000);
  const dialog = await openRollback(page);
  const holder = await holdUsageEvents();
  // An idle session on the same database, and one on another database of the same server.
  const local = embeddedSql('strata_local');
  const other = embeddedSql('strata_console');
  try {
    const [bystander] = await local`select pg_backend_pid() as pid`;
    const [elsewhere] = await other`select pg_backend_pid() as pid`;
    await dialog.getByTestId('confirm-operation').click();
    const waiting = lockWaitBox(dialog);
    await expect(waiting.getByTestId('terminate-blocker')).toBeVisible({ timeout: 30_000 });
    const id = await operationIdIn(dialog);
    const record = await (await page.request.get(`/api/operations/${id}`)).json();
    const runnerPid = (record.events as Array<{ type: string; runnerPid?: number }>).find((e) => e.type === 'lock-wait')!.runnerPid!;
    const terminate = (pid: unknown, request = page.request, path = `/api/operations/${id}/terminate-blocker`) => request.post(path, { data: { pid } });

    // Forged pids: our own session, a session that blocks nothing, one of another database, none at all.
    for (const [pid, message] of [
      [runnerPid, `pid ${runnerPid} is this operation's own session, not a blocker; cancel the run instead`],
      [Number(bystander!.pid), `pid ${bystander!.pid} is not blocking this operation's lock; nothing was terminated`],
      [Number(elsewhere!.pid), `pid ${elsewhere!.pid} is a session of another database, not of this environment; nothing was terminated`],
      [2_000_000_000, 'No session with pid 2000000000 on this environment\'s server; nothing was terminated'],
    ] as const) {
      const answer = await terminate(pid);
      expect(answer.status(), String(pid)).toBe(409);
      expect((await answer.json()).message).toBe(message);
    }
    // Bad input, an unknown operation.
    for (const body of [{ pid: String(holder.pid) }, { pid: -1 }, { pid: 1.5 }, { pid: holder.pid, also: 1 }, {}]) {
      expect((await page.request.post(`/api/operations/${id}/terminate-blocker`, { data: body })).status(), JSON.stringify(body)).toBe(400);
    }
    expect((await terminate(holder.pid, page.request, '/api/operations/999999/terminate-blocker')).status()).toBe(404);
    expect((await page.request.post('/api/operations/999999/cancel', { data: {} })).status()).toBe(404);
    // An operator may cancel but not terminate; a viewer may do neither; signed out, nobody; another site, nobody.
    const olivia = (await browser.newContext({ storageState: storageFor('olivia') })).request;
    const vera = (await browser.newContext({ storageState: storageFor('vera') })).request;
    const anonymous = (await browser.newContext({ storageState: { cookies: [], origins: [] } })).request;
    expect((await terminate(holder.pid, olivia)).status()).toBe(403);
    expect((await callServerAction(olivia, '/environments/local', 'app/lock-wait-actions.ts', 'terminateBlockerAction', [id, { pid: holder.pid }])).text).toMatch(/"code":"FORBIDDEN"/);
    expect((await vera.post(`/api/operations/${id}/cancel`, { data: {} })).status()).toBe(403);
    expect((await callServerAction(vera, '/environments/local', 'app/lock-wait-actions.ts', 'cancelOperationAction', [id])).text).toMatch(/"code":"FORBIDDEN"/);
    expect((await terminate(holder.pid, anonymous)).status()).toBe(401);
    for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }] as Array<Record<string, string>>) {
      const post = await rawRequest({ method: 'POST', path: `/api/operations/${id}/terminate-blocker`, from: '127.0.0.23', headers: { cookie: cookieOf('admin'), 'content-type': 'application/json', ...headers }, body: JSON.stringify({ pid: holder.pid }) });
      expect(post.status).toBe(403);
      expect(JSON.parse(post.text).code).toBe('CROSS_SITE');
    }
    // Every refusal left every session alive, and the run still waiting.
    const alive = await local`select count(*)::int as n from pg_stat_activity where pid in (${holder.pid}, ${Number(bystander!.pid)}, ${runnerPid}, ${Number(elsewhere!.pid)})`;
    expect(alive[0]!.n).toBe(4);
    await expect(waiting).toBeVisible();

    // The admin types the pid back: the button stays off until it names a blocker.
    await waiting.getByTestId('terminate-blocker').click();
    const confirm = page.getByTestId('terminate-blocker-dialog');
    await expect(confirm).toBeVisible();
    await expect(confirm.getByTestId('confirm-terminate')).toBeDisabled();
    await confirm.getByTestId('terminate-pid').fill(String(bystander!.pid));
    await expect(confirm.getByTestId('confirm-terminate')).toBeDisabled();
    await confirm.getByTestId('terminate-pid').fill(String(holder.pid));
    await expect(confirm.getByTestId('confirm-terminate')).toHaveText(`Terminate pid ${holder.pid}`);
    await shot(page, 'terminate-blocker-dialog', false);
    holder.terminated();
    await confirm.getByTestId('confirm-terminate').click();
    await expect(confirm.getByTestId('terminate-answer')).toHaveText(`Terminated pid ${holder.pid} (billing-worker); the run takes the lock at its next retry.`);
    // The run moves on without waiting for the admin; the answer stays until they close it.
    await expect(dialog.getByTestId('run-outcome')).toHaveAttribute('data-failed', 'false', { timeout: 60_000 });
    await expect(waiting).toHaveCount(0);
    await expect(confirm.getByTestId('terminate-answer')).toBeVisible();
    await confirm.getByTestId('close-terminate').click();
    await expect(confirm).toHaveCount(0);
  } finally {
    await holder.end();
    await local.end();
    await other.end();
  }
  await shot(page, 'terminate-blocker-done', false);
  await dialog.getByTestId('close-operation').click();

  // Audited: who, which pid, its application_name and its query with the literal masked.
  const consoleDb = embeddedSql('strata_console');
  try {
    const [entry] = await consoleDb`select actor, environment, target, detail from console.audit_log where action = 'terminate-blocker' and outcome = 'ok' order by id desc limit 1`;
    expect(entry).toMatchObject({ actor: 'admin', environment: 'local', target: `pid ${holder.pid}` });
    expect(String(entry!.detail)).toMatch(new RegExp(`^terminated pid ${holder.pid} \\(billing-worker, idle in transaction; query: select count\\(\\*\\) from platform\\.usage_events where user_id = \\?\\)`));
  } finally {
    await consoleDb.end();
  }

  // Leave local as it was: the change set applied again.
  await reapplyOnLocal(page);
});
