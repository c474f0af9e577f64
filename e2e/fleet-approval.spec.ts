import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { expect, test, type APIRequestContext, type Browser, type BrowserContext } from '@playwright/test';
import { embeddedPassword, embeddedUrl } from '../lib/config/embedded-settings';
import { waitFor } from '../test/support/cli-process';
import { writeFixtureProject } from '../test/support/fixture-project';
import { assertBuilt, launchConsole, secondConsole, stopLaunched } from './support/second-console';
import { shot } from './support/screenshot';

/**
 * A protected fleet's rollout with two-person approval, in the browser and at its doors. The
 * main e2e server's demo fleet (tenants) is guarded and its home page cards are counted by
 * other specs, so a second console serves a protected fleet `shops` of three databases (made by
 * the launcher on its own embedded PostgreSQL) with a two-change-set project: an operator files
 * the rollout on the fleet page, another admin approves it on the approvals page, the operator
 * starts it there, and the console's queue worker brings every target to the head. The doors
 * are attacked on the way: signed out, a viewer, another site, an unknown fleet, the filer
 * approving, an operator approving, execution before approval, an expired approval, two
 * executions at once, an operator steering.
 */
test.describe.configure({ mode: 'serial' });

// The main e2e server's ports plus two (the drizzle-v1 console takes plus one).
const place = secondConsole('e2e-fleet-approval', 2);
const { root, base, work, home, settings } = place;
const SHOPS = ['shop_1', 'shop_2', 'shop_3'];
const PEOPLE = { admin: 'fa-admin-password-1', ada: 'fa-ada-password-22', olivia: 'fa-olivia-password-3', vera: 'fa-vera-password-444' } as const;
type Person = keyof typeof PEOPLE;

test.use({ baseURL: base, storageState: { cookies: [], origins: [] } });

let console2: ChildProcess | null = null;
let variables: Record<string, string> = {};

const embeddedSql = place.sql;

/** The second console's CLI, with its variables. */
function cli(args: string[], input?: string) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'lib/cli/main.ts'), ...args], { cwd: root, input, encoding: 'utf8', env: { ...process.env, ...variables, STRATA_ACTOR: 'e2e-setup' } });
  return { code: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}

async function signedIn(browser: Browser, who: Person): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('User name').fill(who);
  await page.getByLabel('Password').fill(PEOPLE[who]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-as')).toContainText(who);
  await page.close();
  return context;
}

async function post(request: APIRequestContext, url: string, data: unknown, headers: Record<string, string> = {}) {
  const response = await request.post(url, { data, headers });
  return { status: response.status(), body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
}

async function appliedOn(database: string): Promise<string[]> {
  const sql = embeddedSql(database);
  try {
    if (!(await sql`select to_regclass('strata.change_log') as t`)[0]!.t) return [];
    return (await sql`select tag from strata.change_log where status = 'applied' order by tag`).map((r) => String(r.tag));
  } finally {
    await sql.end();
  }
}

/** Rows that would show a change: rollouts, requests by status, and every target's applied change sets. */
async function state() {
  const sql = embeddedSql('fa_console');
  try {
    const rollouts = (await sql`select count(*)::int as n from console.rollouts`)[0]!.n;
    const requests = await sql`select id, status from console.change_requests order by id`;
    return { rollouts, requests: requests.map((r) => `${r.id}:${r.status}`), applied: await Promise.all(SHOPS.map(appliedOn)) };
  } finally {
    await sql.end();
  }
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  assertBuilt(place);
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  embeddedPassword(settings);
  const project = writeFixtureProject([
    { name: 'orders', up: 'create table public.orders (id int primary key);', down: 'drop table public.orders;' },
    { name: 'order_notes', up: 'alter table public.orders add column note text;', down: 'alter table public.orders drop column note;' },
  ]);
  variables = {
    STRATA_ROOT: work,
    STRATA_HOME: home,
    STRATA_EMBEDDED_PORT: String(place.pgPort),
    STRATA_ENVIRONMENTS: 'shops',
    STRATA_ENV_SHOPS_URLS: SHOPS.map((db) => embeddedUrl(settings, db)).join(','),
    STRATA_ENV_SHOPS_PROTECTION: 'protected',
    STRATA_CONSOLE_DATABASE_URL: embeddedUrl(settings, 'fa_console'),
    STRATA_PROJECT_DIR: project,
    AUTH_SECRET: randomBytes(32).toString('base64'),
    STRATA_AUDIT_KEY: randomBytes(32).toString('base64'),
  };
  const { child, output } = launchConsole(place, { ...variables, STRATA_ADMIN_PASSWORD: PEOPLE.admin, STRATA_REFUSALS_PER_MINUTE: '1000' }, { logFile: path.join(work, 'console.log') });
  console2 = child;
  await waitFor(
    async () => {
      if (child.exitCode !== null) return true;
      return fetch(`${base}/sign-in`).then((r) => r.ok, () => false);
    },
    'the second console to answer',
    180_000,
  );
  expect(child.exitCode, output()).toBeNull();
  for (const [username, role] of [['ada', 'admin'], ['olivia', 'operator'], ['vera', 'viewer']] as const) {
    const added = cli(['user', 'add', username, '--role', role, '--password-stdin'], `${PEOPLE[username]}\n`);
    expect(added.code, added.stderr).toBe(0);
  }
});

test.afterAll(async () => {
  if (console2) await stopLaunched(console2);
});

let filed = 0;

test('an operator requests the rollout on the fleet page; a viewer, the signed-out, another site and an unknown fleet are refused, nothing changes', async ({ browser }) => {
  test.setTimeout(120_000);
  const before = await state();
  // Signed out: 401 at both doors.
  const anonymous = await browser.newContext({ baseURL: base });
  expect((await post(anonymous.request, '/api/fleets/shops/rollout-requests', { reason: 'x' })).status).toBe(401);
  expect((await post(anonymous.request, '/api/fleets/shops/rollout-requests/1/execute', { confirm: 'shops' })).status).toBe(401);
  await anonymous.close();
  const vera = await signedIn(browser, 'vera');
  const viewer = await post(vera.request, '/api/fleets/shops/rollout-requests', { reason: 'x' });
  expect(viewer).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
  const olivia = await signedIn(browser, 'olivia');
  expect((await post(olivia.request, '/api/fleets/nowhere/rollout-requests', { reason: 'x' })).status).toBe(404);
  expect((await post(olivia.request, '/api/fleets/shops/rollout-requests', { reason: '' })).body.code).toBe('BAD_USAGE');
  expect((await post(olivia.request, '/api/fleets/shops/rollout-requests', { reason: 'x', waves: '0' })).body.message).toMatch(/at least 1/);
  for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }] as Array<Record<string, string>>) {
    const crossSite = await post(olivia.request, '/api/fleets/shops/rollout-requests', { reason: 'x' }, headers);
    expect(crossSite).toMatchObject({ status: 403, body: { code: 'CROSS_SITE' } });
  }
  // A direct start of a protected fleet: refused, pointing at the request.
  const direct = await post(olivia.request, '/api/fleets/shops/rollouts', { confirm: 'shops' });
  expect(direct.status).toBe(403);
  expect(direct.body.message).toMatch(/runs only from an approved two-person request/);
  expect(await state()).toEqual(before);

  // The fleet page: Request rollout… (no Start rollout, no steering for an operator).
  const page = await olivia.newPage();
  await page.goto('/fleets/shops');
  await expect(page.getByTestId('request-rollout')).toBeVisible();
  await expect(page.getByTestId('start-rollout')).toHaveCount(0);
  await page.getByTestId('request-rollout').click();
  const dialog = page.getByTestId('request-rollout-dialog');
  await dialog.getByTestId('rollout-waves').fill('1,100%');
  await dialog.getByTestId('rollout-reason').fill('orders and their notes, for every shop');
  await shot(page, 'fleet-approval-request-dialog', false);
  await dialog.getByTestId('confirm-request-rollout').click();
  const note = page.getByTestId('rollout-request-filed');
  await expect(note).toContainText('shop_1, like 3 of 3 targets', { timeout: 60_000 });
  filed = Number(/Request #(\d+) filed/.exec((await note.textContent()) ?? '')?.[1]);
  expect(filed).toBeGreaterThan(0);
  await shot(page, 'fleet-approval-filed');
  for (const db of SHOPS) expect(await appliedOn(db)).toEqual([]);
  await Promise.all([vera.close(), olivia.close()]);
});

test('approval: not by an operator, not by the filer; another admin approves on the approvals page', async ({ browser }) => {
  test.setTimeout(120_000);
  const olivia = await signedIn(browser, 'olivia');
  const operator = await post(olivia.request, `/api/requests/${filed}/decision`, { approve: true, comment: '' });
  expect(operator).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
  // Before approval: no rollout starts.
  const early = await post(olivia.request, `/api/fleets/shops/rollout-requests/${filed}/execute`, { confirm: 'shops' });
  expect(early.status).toBe(409);
  expect(early.body.message).toMatch(/is not approved yet/);
  // An admin's own request: they cannot approve it.
  const admin = await signedIn(browser, 'admin');
  const own = await post(admin.request, '/api/fleets/shops/rollout-requests', { reason: 'the admin asks too' });
  expect(own.status).toBe(200);
  const ownId = Number((own.body.request as { id: number }).id);
  const selfApproval = await post(admin.request, `/api/requests/${ownId}/decision`, { approve: true, comment: '' });
  expect(selfApproval).toMatchObject({ status: 403, body: { code: 'FORBIDDEN', message: 'You cannot approve your own request' } });

  // Ada approves olivia's on the approvals page, where the representative target is shown.
  const ada = await signedIn(browser, 'ada');
  const page = await ada.newPage();
  await page.goto('/approvals');
  const card = page.locator(`[data-testid="request"][data-id="${filed}"]`);
  await expect(card.getByTestId('request-description')).toHaveText('Roll out to 3 targets up to the head, waves 1,100%, 4 at a time, 0 failures allowed');
  await expect(card.getByTestId('request-representative')).toContainText('shop_1, like 3 of 3 targets with change sets pending (0 change sets applied)');
  await expect(card.getByTestId('request-plan')).toContainText('fleet targets (3)');
  await shot(page, 'fleet-approval-approvals-pending');
  await card.getByTestId('approve-request').click();
  await expect(card).toHaveAttribute('data-status', 'approved', { timeout: 30_000 });
  // The admin's own request is left for another: rejected by ada (a reason is required).
  expect((await post(ada.request, `/api/requests/${ownId}/decision`, { approve: false, comment: 'one rollout request at a time' })).status).toBe(200);
  await Promise.all([olivia.close(), admin.close(), ada.close()]);
});

test('the operator starts it once from the approvals page; a second start is refused; the queue brings every shop to the head', async ({ browser }) => {
  test.setTimeout(180_000);
  const olivia = await signedIn(browser, 'olivia');
  const page = await olivia.newPage();
  await page.goto('/approvals');
  const card = page.locator(`[data-testid="request"][data-id="${filed}"]`);
  await card.getByTestId('execute-request').click();
  await card.getByTestId('execute-confirm-name').fill('shops');
  await card.getByTestId('execute-confirm').click();
  await expect(page.getByTestId('rollout-execute-message')).toContainText(/Rollout #\d+ started/, { timeout: 30_000 });
  await expect(card.getByTestId('request-rollout-started')).toBeVisible({ timeout: 30_000 });
  await shot(page, 'fleet-approval-approvals-started');
  const again = await post(olivia.request, `/api/fleets/shops/rollout-requests/${filed}/execute`, { confirm: 'shops' });
  expect(again.status).toBe(409);
  expect(again.body.message).toMatch(/was already executed/);
  // An operator may not steer a protected fleet's rollout.
  const sql = embeddedSql('fa_console');
  try {
    const [rollout] = await sql`select id from console.rollouts where request = ${filed}`;
    expect(rollout).toBeTruthy();
    const steer = await post(olivia.request, `/api/fleets/shops/rollouts/${rollout!.id}/pause`, {});
    expect(steer).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    await waitFor(async () => ['succeeded', 'failed'].includes(String((await sql`select state from console.rollouts where id = ${rollout!.id}`)[0]!.state)), 'the rollout to end', 120_000);
    expect(String((await sql`select state from console.rollouts where id = ${rollout!.id}`)[0]!.state)).toBe('succeeded');
  } finally {
    await sql.end();
  }
  for (const db of SHOPS) expect(await appliedOn(db)).toEqual(['0000_orders', '0001_order_notes']);
  await page.goto('/fleets/shops');
  await expect(page.getByTestId('fleet-rollouts')).toContainText('succeeded', { timeout: 30_000 });
  // The overview it read before the rollout is stale: it reads the targets again, and shows all three at the head.
  await expect(page.getByTestId('filter-at-head')).toContainText('3', { timeout: 60_000 });
  await expect(page.getByTestId('fleet-refresh-status')).toHaveText('');
  await shot(page, 'fleet-approval-fleet-after');
  await olivia.close();
});

test('an expired approval and two concurrent starts: refused or once, nothing else changes', async ({ browser }) => {
  test.setTimeout(120_000);
  // Every shop is at the head now: a new change set gives the next requests something to do.
  const admin = await signedIn(browser, 'admin');
  const ada = await signedIn(browser, 'ada');
  const olivia = await signedIn(browser, 'olivia');
  // Nothing to do: filing is refused.
  const nothing = await post(olivia.request, '/api/fleets/shops/rollout-requests', { reason: 'again' });
  expect(nothing.status).toBe(409);
  expect(nothing.body.message).toMatch(/Nothing to do/);
  // Expired: filed and approved, then its expiry passes.
  const sql = embeddedSql('fa_console');
  try {
    // Only the expiry is moved by hand: the request itself is as a door filed it, for a rollout back to a state the shops are past — it is refused before any plan matters.
    const [row] = await sql`insert into console.change_requests (environment, kind, payload, plan, requested_by, reason, status, decided_by, decided_at, expires_at)
      values ('shops', 'rollout', ${sql.json({ waves: '100%', concurrency: 1, maxFailures: 0, to: null, targets: SHOPS })}, ${sql.json([{ tag: 'x', checksum: 'y' }])}, 'olivia', 'expired test', 'approved', 'ada', now(), now() - interval '1 minute') returning id`;
    const before = await state();
    const expired = await post(olivia.request, `/api/fleets/shops/rollout-requests/${row!.id}/execute`, { confirm: 'shops' });
    expect(expired.status).toBe(409);
    expect(expired.body.message).toMatch(/expired/);
    // Not confirmed, and another fleet's id: refused too.
    expect((await post(olivia.request, `/api/fleets/shops/rollout-requests/${row!.id}/execute`, { confirm: 'shop' })).body.code).toBe('CONFIRMATION_REQUIRED');
    expect((await post(olivia.request, `/api/fleets/nowhere/rollout-requests/${row!.id}/execute`, { confirm: 'nowhere' })).status).toBe(404);
    const after = await state();
    expect(after.rollouts).toBe(before.rollouts);
    expect(after.applied).toEqual(before.applied);

    // Two at once on an approved request: one wins. (It is the real plan of the head; the shops are at it, so the rollout skips them.)
    const plan = (await sql`select plan from console.change_requests where id = ${filed}`)[0]!.plan;
    const [twice] = await sql`insert into console.change_requests (environment, kind, payload, plan, requested_by, reason, status, decided_by, decided_at, expires_at)
      values ('shops', 'rollout', ${sql.json({ waves: '100%', concurrency: 1, maxFailures: 0, to: null, targets: SHOPS })}, ${sql.json(plan)}, 'olivia', 'twice', 'approved', 'ada', now(), now() + interval '1 hour') returning id`;
    const both = await Promise.all([
      post(olivia.request, `/api/fleets/shops/rollout-requests/${twice!.id}/execute`, { confirm: 'shops' }),
      post(admin.request, `/api/fleets/shops/rollout-requests/${twice!.id}/execute`, { confirm: 'shops' }),
    ]);
    expect(both.map((b) => b.status).sort()).toEqual([200, 409]);
    expect((await sql`select count(*)::int as n from console.rollouts where request = ${twice!.id}`)[0]!.n).toBe(1);
  } finally {
    await sql.end();
  }
  await Promise.all([admin.close(), ada.close(), olivia.close()]);
});
