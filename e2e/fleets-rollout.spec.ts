import { expect, test } from '@playwright/test';
import { DEMO_FLEET } from '../lib/config/demo-environments';
import { demoBehindTag as behindTag, demoTenantHistories } from './support/demo-fleet';
import { embeddedSql } from './support/embedded-sql';
import { shot } from './support/screenshot';
import { cookieOf, rawRequest } from './support/raw-http';
import { callServerAction } from './support/server-actions';
import { storageFor, strataCli } from './support/users';

/**
 * A rollout on the fleet page: the real CLI rolls the demo's `tenants` fleet out to the tag
 * the behind tenants are already at, so every target is skipped at its head and no tenant
 * changes (their histories are compared before and after); the page then shows that
 * rollout's waves, read-only, to an admin and to a viewer.
 */
test.describe.configure({ timeout: 240_000 });

const api = `/api/fleets/${DEMO_FLEET.name}`;

test('a rollout the CLI ran shows its waves on the fleet page, and changes no tenant', async ({ page }) => {
  const before = await demoTenantHistories();
  const run = await strataCli(['rollout', '--env', DEMO_FLEET.name, '--to', behindTag, '--waves', '1,10%,100%', '--concurrency', '4', '--json']);
  expect(run.code, run.stderr + run.stdout).toBe(0);
  const outcome = JSON.parse(run.stdout) as { rollout: { id: number; state: string; actor: string }; targets: Array<{ name: string; state: string; applied: string[] }> };
  expect(outcome.rollout.state).toBe('succeeded');
  // The CLI records who ran it, e.g. "cli:root (as e2e-setup)".
  const actor = outcome.rollout.actor;
  expect(actor).toContain('e2e-setup');
  expect(outcome.targets).toHaveLength(DEMO_FLEET.count);
  for (const t of outcome.targets) expect(t, t.name).toMatchObject({ state: 'skipped-at-head', applied: [] });
  expect(await demoTenantHistories()).toEqual(before);

  const answer = await (await page.request.get(`${api}?limit=1`)).json();
  expect(answer.rollouts[0]).toMatchObject({ id: outcome.rollout.id, state: 'succeeded', actor, toTag: behindTag, error: null, failedTargets: [], failedCount: 0 });
  // 1 | up to 10% (5) | the rest.
  expect(answer.rollouts[0].waves.map((w: Record<string, number>) => [w.wave, w.total, w['skipped-at-head']])).toEqual([
    [1, 1, 1],
    [2, 4, 4],
    [3, 45, 45],
  ]);

  await page.goto(`/fleets/${DEMO_FLEET.name}`);
  const panel = page.getByTestId('fleet-rollouts');
  await expect(panel.getByRole('heading', { name: 'Rollouts' })).toBeVisible();
  const latest = panel.getByTestId('fleet-rollout-latest');
  await expect(latest).toHaveAttribute('data-rollout', String(outcome.rollout.id));
  await expect(latest).toContainText(`Rollout #${outcome.rollout.id}`);
  await expect(latest).toContainText('succeeded');
  await expect(panel.getByTestId('fleet-rollout-who')).toContainText(`to ${behindTag}, started by ${actor}`);
  await expect(panel.getByTestId('rollout-wave')).toHaveCount(3);
  await expect(panel.getByTestId('rollout-wave-3')).toHaveAttribute('aria-label', 'Wave 3: 45 targets — 45 already at head');
  // The wave bars are reachable by keyboard and say what they show.
  await panel.getByTestId('rollout-wave-1').focus();
  await page.keyboard.press('Tab');
  await expect(panel.getByTestId('rollout-wave-2')).toBeFocused();
  await expect(panel.getByTestId('fleet-rollout-failed')).toHaveCount(0);
  await panel.scrollIntoViewIfNeeded();
  await shot(page, 'fleet-rollouts', false);
});

/** Waits (polling the API) until the fleet's latest rollout has ended; returns it. */
async function ended(request: import('@playwright/test').APIRequestContext, id: number) {
  let latest: { id: number; state: string; waves: Array<Record<string, number>> } | undefined;
  await expect
    .poll(async () => {
      latest = (await (await request.get(`${api}?limit=1`)).json()).rollouts[0];
      return latest?.id === id ? latest.state : `latest is ${latest?.id}`;
    }, { timeout: 120_000 })
    .toMatch(/succeeded|failed/);
  return latest!;
}

test('an admin starts the same no-op rollout from the page; the console\'s worker runs it to the end and no tenant changes', async ({ page }) => {
  const before = await demoTenantHistories();
  await page.goto(`/fleets/${DEMO_FLEET.name}`);
  const panel = page.getByTestId('fleet-rollouts');
  // By keyboard: the button, the dialog's fields, the fleet's name typed back.
  await panel.getByTestId('start-rollout').focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('start-rollout-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('confirm-start-rollout')).toBeDisabled();
  await dialog.getByTestId('rollout-to').fill(behindTag);
  await dialog.getByTestId('rollout-confirm').fill(DEMO_FLEET.name);
  await shot(page, 'fleet-rollout-start-dialog', false);
  await dialog.getByTestId('rollout-confirm').press('Enter');
  await expect(dialog).toBeHidden();
  const message = panel.getByTestId('rollout-action-message');
  await expect(message).toContainText(/Started rollout #\d+: 50 targets/);
  const id = Number(/#(\d+)/.exec((await message.textContent())!)![1]);
  const latest = await ended(page.request, id);
  expect(latest.state).toBe('succeeded');
  expect(latest.waves.map((w) => [w.wave, w.total, w['skipped-at-head']])).toEqual([
    [1, 1, 1],
    [2, 4, 4],
    [3, 45, 45],
  ]);
  await expect(panel.getByTestId('fleet-rollout-latest')).toHaveAttribute('data-state', 'succeeded');
  await expect(panel.getByTestId('fleet-rollout-latest')).toHaveAttribute('data-rollout', String(id));
  expect(await demoTenantHistories()).toEqual(before);
  await panel.scrollIntoViewIfNeeded();
  await shot(page, 'fleet-rollout-started', false);
  // Audited like the CLI's: the intent, then the outcome, by the admin.
  const consoleDb = embeddedSql('strata_console');
  try {
    const rows = await consoleDb`select outcome, target from console.audit_log where action = 'rollout' and environment = ${DEMO_FLEET.name} and role = 'admin' order by id desc limit 2`;
    expect(rows.map((r) => r.outcome).sort()).toEqual(['ok', 'started']);
  } finally {
    await consoleDb.end();
  }
});

test.describe('the rollout doors, attacked', () => {
  test.use({ storageState: storageFor('olivia') });
  test('bad input, an unknown fleet or rollout, another site, two starts at once: each refused as it should be, and no tenant changes', async ({ page }) => {
    const before = await demoTenantHistories();
    const request = page.request;
    const body = { to: behindTag, waves: '1,10%,100%', concurrency: 4, maxFailures: 0, confirm: DEMO_FLEET.name };
    const attacks: Array<[Record<string, unknown>, number]> = [
      [{ ...body, waves: '1,abc' }, 400],
      [{ ...body, concurrency: 0 }, 400],
      [{ ...body, extra: 1 }, 400],
      [{ ...body, maxFailures: -1 }, 400],
      [{ ...body, to: 'no_such_tag' }, 404],
      [{ ...body, confirm: 'other' }, 409], // CONFIRMATION_REQUIRED, as every typed-back confirmation
    ];
    for (const [bad, status] of attacks) {
      const answer = await request.post(`${api}/rollouts`, { data: bad });
      expect(answer.status(), JSON.stringify(bad)).toBe(status);
      const action = await callServerAction(request, `/fleets/${DEMO_FLEET.name}`, 'app/rollout-actions.ts', 'startRolloutAction', [DEMO_FLEET.name, bad]);
      expect(action.text, JSON.stringify(bad)).toMatch(/"code":"(BAD_USAGE|CONFIRMATION_REQUIRED|NOT_FOUND)"/);
    }
    expect((await request.post('/api/fleets/nowhere/rollouts', { data: { ...body, confirm: 'nowhere' } })).status()).toBe(404);
    for (const step of ['pause', 'resume', 'retry-failed']) {
      expect((await request.post(`${api}/rollouts/999999/${step}`, { data: {} })).status(), step).toBe(404);
      expect((await request.post(`${api}/rollouts/abc/${step}`, { data: {} })).status(), step).toBe(404);
      expect((await request.post(`/api/fleets/nowhere/rollouts/1/${step}`, { data: {} })).status(), step).toBe(404);
    }
    // Another site, in olivia's signed-in browser: refused at the front door.
    const cookie = cookieOf('olivia');
    for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }] as Array<Record<string, string>>) {
      const post = await rawRequest({ method: 'POST', path: `${api}/rollouts`, from: '127.0.0.23', headers: { cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      expect(post.status).toBe(403);
      expect(JSON.parse(post.text).code).toBe('CROSS_SITE');
    }
    const latestBefore = (await (await request.get(`${api}?limit=1`)).json()).rollouts[0]?.id;
    // Two starts at once: one starts, the other is refused naming it.
    const answers = await Promise.all([request.post(`${api}/rollouts`, { data: body }), request.post(`${api}/rollouts`, { data: body })]);
    expect(answers.map((a) => a.status()).sort()).toEqual([200, 409]);
    const started = (await answers.find((a) => a.status() === 200)!.json()).rollout.id as number;
    expect(started).toBeGreaterThan(latestBefore ?? 0);
    expect((await answers.find((a) => a.status() === 409)!.json()).message).toContain(`rollout ${started}`);
    // Nothing failed, so there is nothing to retry; it ends as the first did.
    expect((await ended(request, started)).state).toBe('succeeded');
    const retry = await request.post(`${api}/rollouts/${started}/retry-failed`, { data: {} });
    expect(retry.status()).toBe(409);
    expect((await request.post(`${api}/rollouts/${started}/pause`, { data: {} })).status()).toBe(409);
    expect(await demoTenantHistories()).toEqual(before);
  });
});

test.describe('a viewer', () => {
  test.use({ storageState: storageFor('vera') });
  test('sees the rollouts, and the page offers nothing that starts one', async ({ page }) => {
    const answer = await page.request.get(`${api}?limit=1`);
    expect(answer.status()).toBe(200);
    const body = await answer.json();
    expect(body.rollouts.length).toBeGreaterThan(0);
    expect(JSON.stringify(body.rollouts)).not.toContain('postgres://');
    await page.goto(`/fleets/${DEMO_FLEET.name}`);
    const panel = page.getByTestId('fleet-rollouts');
    await expect(panel.getByTestId('fleet-rollout-latest')).toHaveAttribute('data-rollout', String(body.rollouts[0].id));
    await expect(panel.getByRole('button')).toHaveCount(0);
  });
});
