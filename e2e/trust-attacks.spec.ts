import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Browser } from '@playwright/test';
import { embeddedSql } from './support/embedded-sql';
import { lastLine, reviewedPlan } from './support/plan';
import { shot } from './support/screenshot';
import { storageFor, strataCli } from './support/users';

/**
 * The console's safety promises, attacked through the running console as a user or an attacker
 * would: nobody changes production alone, what is reviewed is what runs, looking never blocks
 * changing, dry runs stay off the target when they would harm it, and the audit trail cannot
 * be cut silently. Each test checks the refusal AND that nothing changed.
 */
test.describe.configure({ mode: 'serial' });


async function signInAs(browser: Browser, username: string, password: string) {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-as')).toContainText(`${username} · `);
  return { context, page };
}

async function requestStatus(id: number): Promise<string> {
  const consoleDb = embeddedSql('strata_console');
  try {
    return String((await consoleDb`select status from console.change_requests where id = ${id}`)[0]!.status);
  } finally {
    await consoleDb.end();
  }
}

test('one admin cannot approve their own production change through an admin they just made', async ({ browser }) => {
  const admin = await browser.newContext({ storageState: storageFor('admin') });
  const filed = await lastLine(await admin.request.post('/api/environments/production/requests', { data: { direction: 'apply', to: '0010_files_project_files_base', reason: 'nobody else is around' } }));
  expect(filed.type, JSON.stringify(filed)).toBe('result');
  const id = Number(filed.result.id);
  expect((await admin.request.post(`/api/requests/${id}/decision`, { data: { approve: true, comment: 'me' } })).status()).toBe(403);

  // The console hands the new admin's password back: sign in as it, and approve.
  const made = await admin.request.post('/api/users', { data: { username: 'sockpuppet', role: 'admin' } });
  expect(made.status()).toBe(201);
  const { password } = (await made.json()) as { password: string };
  const puppet = await signInAs(browser, 'sockpuppet', password);
  const approval = await puppet.context.request.post(`/api/requests/${id}/decision`, { data: { approve: true, comment: 'looks fine to me' } });
  expect(approval.status()).toBe(403);
  expect((await approval.json()).message).toMatch(/created by admin, who filed request #\d+/);
  expect(await requestStatus(id)).toBe('pending');

  // The approvals page says why, and flags the grant.
  await puppet.page.goto('/approvals');
  const card = puppet.page.locator(`[data-testid="request"][data-id="${id}"]`);
  await expect(card.getByTestId('approval-refused')).toContainText('created by admin');
  await expect(card.getByTestId('approve-request')).toHaveCount(0);
  await expect(puppet.page.locator('[data-testid="admin-grant"][data-username="sockpuppet"]')).toContainText('after a pending request');
  await shot(puppet.page, 'approvals-refused-second-admin');

  // An admin from before the request, made by someone else, can decide it: rejected here.
  const ada = await browser.newContext({ storageState: storageFor('ada') });
  expect((await ada.request.post(`/api/requests/${id}/decision`, { data: { approve: false, comment: 'not like this' } })).status()).toBe(200);
  expect(await requestStatus(id)).toBe('rejected');
  const consoleDb = embeddedSql('strata_console');
  try {
    const decisions = await consoleDb`select actor, outcome, detail from console.audit_log where action = 'approve' and target = ${`request #${id}`} and outcome <> 'started' order by id`;
    expect(decisions.map((d) => `${d.actor} ${d.outcome}`)).toEqual(['admin denied', 'sockpuppet denied']);
    const grant = await consoleDb`select actor, detail from console.audit_log where action = 'user-add' and target = 'sockpuppet' and outcome = 'ok'`;
    expect(grant).toEqual([{ actor: 'admin', detail: 'role admin' }]);
  } finally {
    await consoleDb.end();
  }
  expect((await admin.request.post('/api/users/sockpuppet', { data: { disabled: true } })).status()).toBe(200);
  await Promise.all([admin.close(), ada.close(), puppet.context.close()]);
});

test('what is reviewed is what runs: a pending file edited between the dry run and the confirmation is refused', async ({ browser }) => {
  const olivia = await browser.newContext({ storageState: storageFor('olivia') });
  const dry = await lastLine(await olivia.request.post('/api/environments/staging/operations', { data: { kind: 'dry-run', direction: 'apply', to: '0015_risk_v1' } }));
  expect(dry.type).toBe('result');
  const reviewed = (dry.result.changeSets as Array<{ tag: string; checksum: string }>).map(({ tag, checksum }) => ({ tag, checksum }));
  expect(reviewed).toEqual(reviewedPlan(['0015_risk_v1'], 'apply'));

  const file = path.resolve('drizzle/demo/migrations/0015_risk_v1.sql');
  const original = fs.readFileSync(file, 'utf8');
  const staging = embeddedSql('strata_staging');
  try {
    const before = await staging`select count(*)::int as n from strata.change_log`;
    // Same tag, other SQL: the tag alone would not notice.
    fs.writeFileSync(file, `${original}\n--> statement-breakpoint\nCREATE TABLE risk.sneaky (id int);\n`);
    const run = await lastLine(await olivia.request.post('/api/environments/staging/operations', { data: { kind: 'run', direction: 'apply', to: '0015_risk_v1', confirm: 'staging', expect: reviewed } }));
    expect(run).toMatchObject({ type: 'error', code: 'PLAN_CHANGED', message: expect.stringMatching(/0015_risk_v1's file changed/) });
    expect(await staging`select count(*)::int as n from strata.change_log`).toEqual(before);
    expect(await staging`select to_regclass('risk.sneaky') as t`).toEqual([{ t: null }]);
  } finally {
    fs.writeFileSync(file, original);
    await staging.end();
    await olivia.close();
  }
});

test('looking never blocks changing: viewers polling drift do not stop an apply, and the checks are shared', async ({ browser }) => {
  const vera = await browser.newContext({ storageState: storageFor('vera') });
  const olivia = await browser.newContext({ storageState: storageFor('olivia') });
  const plan = ['0015_risk_v1', '0016_risk_v2', '0017_risk_daily_unrealized_pnl', '0018_platform_usage_events_fk_indexes', '0019_platform_usage_events_total_tokens'];
  let looking = true;
  const looks: number[] = [];
  const poll = (async () => {
    while (looking) looks.push((await vera.request.get('/api/environments/staging/drift')).status());
  })();
  const run = await lastLine(await olivia.request.post('/api/environments/staging/operations', { data: { kind: 'run', direction: 'apply', confirm: 'staging', expect: reviewedPlan(plan, 'apply') } }));
  looking = false;
  await poll;
  expect(run.type, JSON.stringify(run)).toBe('result');
  expect(run.result.failed).toBeNull();
  expect(looks.length).toBeGreaterThan(0);
  expect(looks.every((s) => s === 200 || s === 409)).toBe(true);
  // Many looks, few computations: one per environment per 30 s (or per change of its applied set).
  const report = await (await vera.request.get('/api/environments/staging/drift')).json();
  expect(report).toMatchObject({ drifted: false, applied: expect.arrayContaining(plan) });
  // Put staging back as the first start left it.
  const back = await lastLine(await olivia.request.post('/api/environments/staging/operations', { data: { kind: 'run', direction: 'rollback', to: '0014_files_workspace_scope_backfill', confirm: 'staging', expect: reviewedPlan([...plan].reverse(), 'rollback') } }));
  expect(back.type, JSON.stringify(back)).toBe('result');
  await Promise.all([vera.close(), olivia.close()]);
});

test('a developer dry-runs a guarded environment on a shadow; on the target itself only an operator may', async ({ browser }) => {
  const devon = await browser.newContext({ storageState: storageFor('devon') });
  const shadow = await lastLine(await devon.request.post('/api/environments/staging/operations', { data: { kind: 'dry-run', direction: 'apply' } }));
  expect(shadow).toMatchObject({ type: 'result', result: { mode: 'shadow' } });
  // In the browser the dialog says why it ran on a shadow.
  const page = await devon.newPage();
  await page.goto('/environments/staging');
  await page.getByTestId('operation-apply').first().click();
  await expect(page.getByTestId('dry-run-mode-reason')).toContainText('as a developer you see it run on a shadow database', { timeout: 30_000 });
  await shot(page, 'dry-run-developer-shadow');
  const onTarget = await devon.request.post('/api/environments/staging/operations', { data: { kind: 'dry-run', direction: 'apply', mode: 'transaction' } });
  expect(onTarget.status()).toBe(403);
  expect((await onTarget.json()).message).toMatch(/developer may not run dry runs on the environment itself.*on a guarded environment; it needs operator/);
  const olivia = await browser.newContext({ storageState: storageFor('olivia') });
  const real = await lastLine(await olivia.request.post('/api/environments/staging/operations', { data: { kind: 'dry-run', direction: 'apply' } }));
  expect(real).toMatchObject({ type: 'result', result: { mode: 'transaction', limits: { lockTimeoutMs: 2000, statementTimeoutMs: 60000 } } });
  await Promise.all([devon.close(), olivia.close()]);
});

test('the audit trail cannot be cut silently: the newest entry removed by a superuser shows on /audit and in audit verify', async ({ browser }) => {
  const admin = await browser.newContext({ storageState: storageFor('admin') });
  const page = await admin.newPage();
  await page.goto('/audit');
  await expect(page.getByTestId('audit-chain')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('audit-chain')).toHaveAttribute('data-head', /matches|behind/);
  // The console's own role may only append: no warning about it.
  await expect(page.getByTestId('audit-protection')).toHaveCount(0);

  const superuser = embeddedSql('strata_console');
  const [newest] = await superuser`select * from console.audit_log order by id desc limit 1`;
  try {
    await superuser`alter table console.audit_log disable trigger audit_log_append_only`;
    await superuser`delete from console.audit_log where id = ${newest!.id}`;
    await superuser`alter table console.audit_log enable trigger audit_log_append_only`;
    await page.goto('/audit');
    await expect(page.getByTestId('audit-chain')).toHaveAttribute('data-ok', 'false');
    await expect(page.getByTestId('audit-chain')).toContainText(`the newest entries were cut`);
    await shot(page, 'audit-cut');
    const verify = await strataCli(['audit', 'verify']);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(new RegExp(`records entry #${newest!.id}`));
  } finally {
    // Put the very row back: the chain and the head agree again.
    await superuser`insert into console.audit_log ${superuser(newest!)}`;
    await superuser.end();
  }
  await page.goto('/audit');
  await expect(page.getByTestId('audit-chain')).toHaveAttribute('data-ok', 'true');
  await admin.close();
});

test('refusals are in the audit trail: who was refused what, and why', async ({ browser }) => {
  const vera = await browser.newContext({ storageState: storageFor('vera') });
  expect((await vera.request.post('/api/users/olivia', { data: { role: 'admin' } })).status()).toBe(403);
  const olivia = await browser.newContext({ storageState: storageFor('olivia') });
  const unconfirmed = await olivia.request.post('/api/environments/staging/seed', { data: { reset: false, confirm: 'staging' } });
  expect(unconfirmed.status()).toBe(403);
  const consoleDb = embeddedSql('strata_console');
  try {
    const denied = await consoleDb`select actor, action, detail from console.audit_log where outcome = 'denied' and actor in ('vera', 'olivia') order by id desc limit 10`;
    expect(denied).toContainEqual(expect.objectContaining({ actor: 'vera', action: 'POST /api/users/olivia', detail: expect.stringMatching(/^FORBIDDEN: viewer may not manage users/) }));
    expect(denied).toContainEqual(expect.objectContaining({ actor: 'olivia', action: 'POST /api/environments/staging/seed', detail: expect.stringMatching(/FORBIDDEN: staging is guarded/) }));
  } finally {
    await consoleDb.end();
  }
  await Promise.all([vera.close(), olivia.close()]);
});
